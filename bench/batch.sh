#!/usr/bin/env bash
# End-to-end benchmark of the quarter's batch (`phb run`) on a synthetic population: time, shuffle volume and
# spill per step, peak memory of the whole batch, and the I/O floor beside it (bench/ReadFloor.java: the time to
# merely read and split every landing file once). Appends one entry per size to docs/BENCHMARKS.md and, when two
# or more sizes have been measured, the growth exponent of the batch time (least squares on log time vs log people).
#
# Usage: bench/batch.sh PEOPLE [PEOPLE ...]
#   REUSE_LANDING=1 keeps an earlier synthetic landing of the same size (synth of 1M takes about 2 minutes).
#   PHB_HEAP sets the batch's heap (default 8g, as the launcher). Results: bench/results/batch-N/.
#   MODEL_FROM=LAKE/models seeds the lake with an earlier model registry, so the batch is a routine quarter
#   (score with the current model) rather than a first run that trains one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./phb --version >/dev/null   # build once, outside the timings
command -v python3 >/dev/null || { echo "bench: python3 is needed to read the JSON summaries" >&2; exit 1; }
cp_="cli/target/phb-cli-0.1.0-SNAPSHOT.jar:$(cat cli/target/launcher/classpath.txt)"
flags="$(cat cli/target/launcher/jvm-flags.txt)"
quarter=2025-26Q4
extract_date=2026-11-01

for n in "$@"; do
  d="bench/results/batch-$n"
  if [[ -n ${REUSE_LANDING:-} && -f "$d/synth.json" ]]; then
    rm -rf "$d/lake" "$d/out" "$d/run.json"
  else
    rm -rf "$d"; mkdir -p "$d"
    ./phb keygen --out "$d/keys/provider.key" >/dev/null
    ./phb keygen --out "$d/keys/lake.key" >/dev/null
    echo "bench: synth $n people" >&2
    ./phb synth --people "$n" --seed 1 --key-file "$d/keys/provider.key" --landing "$d/landing" --lake "$d/synth-lake" \
      --out "$d/synth-out" --json > "$d/synth.json"
  fi
  echo "bench: I/O floor" >&2
  # shellcheck disable=SC2086
  java -Xmx4g $flags -cp "$cp_" bench/ReadFloor.java "$d/landing" > "$d/floor.json" 2> "$d/floor.err"
  if [[ -n ${MODEL_FROM:-} ]]; then mkdir -p "$d/lake"; cp -r "$MODEL_FROM" "$d/lake/models"; fi
  echo "bench: batch" >&2
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$d/run.maxrss" ./phb run --quarter "$quarter" --extract-date "$extract_date" --evaluate --force \
    --lake "$d/lake" --landing "$d/landing" --out "$d/out" --lake-key-file "$d/keys/lake.key" --json > "$d/run.json"
  echo "$(date +%s.%N) - $t0" | bc > "$d/run.wall"
  MODEL_FROM="${MODEL_FROM:-}" python3 - "$d" "$n" "${PHB_HEAP:-8g}" >> docs/BENCHMARKS.md <<'PY'
import json, sys, os, glob, math
d, n, heap = sys.argv[1], int(sys.argv[2]), sys.argv[3]
run = json.load(open(f"{d}/run.json")); floor = json.load(open(f"{d}/floor.json")); synth = json.load(open(f"{d}/synth.json"))
wall = float(open(f"{d}/run.wall").read()); rss = int(open(f"{d}/run.maxrss").read().split()[-1]) / 1024 / 1024
feed_rows = sum(v for k, v in synth["rows"].items() if not k.startswith("_"))
date = os.popen("date -u +%Y-%m-%d").read().strip()
print(f"\n### Batch end to end, {n:,} people ({date})\n")
model_from = os.environ.get("MODEL_FROM", "")
prefix = f"MODEL_FROM={model_from} " if model_from else ""
print(f"- machine: 2 cores, 24 GiB, Linux; heap {heap}; command: `{prefix}bench/batch.sh {n}` "
      f"(`phb run --quarter 2025-26Q4 --evaluate --force`)" + ("; a routine quarter: the model registry was copied in, "
      "so no training step" if model_from else "; a first run: it trains the model"))
print(f"- landing: {feed_rows:,} rows in {floor['feeds']} feeds, {floor['bytes']/2**30:.2f} GiB of CSV")
print(f"- **batch: {wall:.0f} s wall ({wall/60:.1f} min), peak RSS {rss:.1f} GiB**; I/O floor: read {floor['read_seconds']:.0f} s, "
      f"read and split {floor['parse_seconds']:.0f} s -> the batch is **{wall/floor['parse_seconds']:.1f}x** the floor")
print("\n| step | s | input MiB | shuffle written MiB | spilled MiB | task s | GC s |\n|---|---:|---:|---:|---:|---:|---:|")
for name, s in run["steps"].items():
    w = s.get("spark") or {}
    print(f"| {name} | {s['seconds']:.1f} | {w.get('input_mb', 0):,.0f} | {w.get('shuffle_write_mb', 0):,.0f} | "
          f"{w.get('spill_disk_mb', 0):,.0f} | {w.get('task_seconds', 0):,.0f} | {w.get('gc_seconds', 0):,.0f} |")
json.dump({"people": n, "seconds": wall, "rss_gib": rss, "floor_parse_seconds": floor["parse_seconds"],
           "steps": {k: v["seconds"] for k, v in run["steps"].items()}}, open(f"{d}/point.json", "w"))
points = []
for p in glob.glob(os.path.join(os.path.dirname(d), "batch-*", "point.json")):
    points.append(json.load(open(p)))
points.sort(key=lambda p: p["people"])
if len(points) >= 2:
    xs = [math.log(p["people"]) for p in points]; ys = [math.log(p["seconds"]) for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    sizes = ", ".join(f"{p['people']:,}: {p['seconds']:.0f} s" for p in points)
    print(f"\nGrowth over the sizes measured so far ({sizes}): time ~ people^**{b:.2f}**")
    for step in points[-1]["steps"]:
        ys = [math.log(max(p["steps"].get(step, 0.01), 0.01)) for p in points]
        my = sum(ys) / len(ys)
        bs = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        print(f"- {step}: people^{bs:.2f}")
PY
  echo "bench: $n people: batch $(cat "$d/run.wall") s" >&2
done

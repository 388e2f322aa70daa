#!/usr/bin/env bash
# Times the pipeline stages on a synthetic population: synth, ingest, link --evaluate, features.
# Usage: bench/pipeline.sh PEOPLE [PEOPLE ...]   (appends one entry per size to docs/BENCHMARKS.md)
# PHB_SYNTH_ARGS adds options to synth, e.g. PHB_SYNTH_ARGS="--fault-rate name_typo=0.3" for harder linkage.
# Each size gets its own folder under bench/results/pipeline-N (removed first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./phb --version >/dev/null   # build once, outside the timings
command -v python3 >/dev/null || { echo "bench: python3 is needed to read the JSON summaries" >&2; exit 1; }

for n in "$@"; do
  d="bench/results/pipeline-$n"
  rm -rf "$d"; mkdir -p "$d"
  ./phb keygen --out "$d/keys/provider.key" >/dev/null
  ./phb keygen --out "$d/keys/lake.key" >/dev/null
  common=(--lake "$d/lake" --landing "$d/landing" --out "$d/out" --json)
  step() { # name, then the command
    local name=$1; shift
    local t0; t0=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$d/$name.maxrss" "$@" > "$d/$name.json"
    echo "$(date +%s.%N) - $t0" | bc > "$d/$name.wall"
    echo "bench: $name $(cat "$d/$name.wall") s" >&2
  }
  # shellcheck disable=SC2086
  step synth ./phb synth --people "$n" --seed 1 --key-file "$d/keys/provider.key" ${PHB_SYNTH_ARGS:-} "${common[@]}"
  step ingest ./phb ingest "${common[@]}"
  step link ./phb link --evaluate --lake-key-file "$d/keys/lake.key" "${common[@]}"
  step features ./phb features --as-of 2025-26Q4 --lake-key-file "$d/keys/lake.key" "${common[@]}"
  PHB_SYNTH_ARGS="${PHB_SYNTH_ARGS:-}" python3 - "$d" "$n" >> docs/BENCHMARKS.md <<'PY'
import json, sys, os, platform
d, n = sys.argv[1], int(sys.argv[2])
j = {s: json.load(open(f"{d}/{s}.json")) for s in ["synth", "ingest", "link", "features"]}
wall = {s: float(open(f"{d}/{s}.wall").read()) for s in j}
rss = {s: int(open(f"{d}/{s}.maxrss").read().split()[-1]) / 1024 / 1024 for s in j}
feed_rows = sum(v for k, v in j["synth"]["rows"].items() if not k.startswith("_"))
l = j["link"]
print(f"\n### Pipeline, {n:,} people ({os.popen('date -u +%Y-%m-%d').read().strip()})\n")
extra = os.environ.get("PHB_SYNTH_ARGS", "")
prefix = 'PHB_SYNTH_ARGS="' + extra + '" ' if extra else ""
print(f"- machine: 2 cores, 24 GiB, {platform.system()}; command: `{prefix}bench/pipeline.sh {n}`")
print(f"- feed rows: {feed_rows:,}; rows ingested: {j['ingest']['rows_in']:,} "
      f"({j['ingest']['rows_valid']:,} valid, {j['ingest']['rows_quarantined']:,} quarantined)")
print("\n| step | wall s (whole command) | job s | peak RSS GiB | figures |\n|---|---:|---:|---:|---|")
print(f"| synth | {wall['synth']:.1f} | {j['synth']['seconds']:.1f} | {rss['synth']:.1f} | {feed_rows:,} feed rows |")
print(f"| ingest | {wall['ingest']:.1f} | – | {rss['ingest']:.1f} | {j['ingest']['rows_in']/max(1,wall['ingest']):,.0f} rows/s over the command |")
print(f"| link | {wall['link']:.1f} | {l['seconds']:.1f} | {rss['link']:.1f} | {l['entities']:,} entities, {l['candidate_pairs']:,} candidate pairs; "
      f"precision {l['precision']:.4f}, recall {l['recall']:.4f}, F1 {l['f1']:.4f}, blocking recall {l['blocking_recall']:.4f} |")
print(f"| features | {wall['features']:.1f} | {j['features']['seconds']:.1f} | {rss['features']:.1f} | {j['features']['persons']:,} persons |")
print("\nLinkage against truth by source pair and token status:\n\n| pairs | precision | recall | F1 | true pairs |\n|---|---:|---:|---:|---:|")
for k, m in list(l["by_source_pair"].items()) + [("token status: " + k, m) for k, m in l["by_token_status"].items()]:
    print(f"| {k} | {m['precision']:.4f} | {m['recall']:.4f} | {m['f1']:.4f} | {m['true_pairs']:,} |")
PY
done

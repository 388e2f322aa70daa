#!/usr/bin/env bash
# Times `phb synth` at the sizes given (default 100000 and 1000000 people), then appends seconds, rows
# written and bytes to docs/BENCHMARKS.md (section "Synthetic population"). Run from anywhere; results
# land under bench/results/ (git-ignored). Usage: bench/synth.sh [PEOPLE ...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100000 1000000)
results="$here/bench/results"
mkdir -p "$results"
key="$results/bench.key"
[[ -f "$key" ]] || ./phb keygen --out "$key" >/dev/null
cores=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1024/1024}' /proc/meminfo)
for n in "${sizes[@]}"; do
  landing="$results/landing-$n"
  rm -rf "$landing" "$results/lake-$n"
  cmd="./phb synth --people $n --seed 1 --landing $landing --lake $results/lake-$n --key-file $key --json"
  start=$(date +%s.%N)
  $cmd > "$results/synth-$n.json"
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  bytes=$(du -sb "$landing" | cut -f1)
  python3 - "$results/synth-$n.json" "$n" "$wall" "$bytes" "$cores" "$mem" "$cmd" >> docs/BENCHMARKS.md <<'PY'
import json, sys
f, n, wall, nbytes, cores, mem, cmd = sys.argv[1:]
d = json.load(open(f))
rows = d["rows"]
feed_rows = sum(v for k, v in rows.items() if not k.startswith("_truth"))
truth_rows = sum(v for k, v in rows.items() if k.startswith("_truth"))
print(f"\n### {int(n):,} people ({d['run_id']})\n")
print(f"- machine: {cores} cores, {mem}; command: `{cmd}`")
print(f"- job seconds (from --json): {d['seconds']}; wall seconds including JVM start and build check: {float(wall):.1f}")
print(f"- rows written: {feed_rows:,} feed rows, {truth_rows:,} truth rows; bytes on disk: {int(nbytes):,}")
print(f"- faults injected: " + ", ".join(f"{k} {v:,}" for k, v in d["faults"].items()))
print("\n| table | rows |\n| --- | ---: |")
for k, v in rows.items():
    print(f"| {k} | {v:,} |")
PY
  echo "synth $n people: ${wall}s"
done

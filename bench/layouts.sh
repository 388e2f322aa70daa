#!/usr/bin/env bash
# The equality proof of the national layouts, end to end: one synthetic population written twice, once in phb's own
# layout and once with its hospital feeds as the national extracts an ICB receives (SUS+ APCS, SUS+ OPA, ECDS, read
# through their dataset profiles), each run through the whole quarterly batch with the same keys. Every lake table
# (phb lake-diff; landing file, line and text aside, which name different files by design), the current model's id and
# every published report and extract file (bench/output_digest.py) must be equal. Exit 0 only when they are.
#
# Usage: bench/layouts.sh [PEOPLE]   (default 2000; work folder bench/results/layouts-PEOPLE, removed first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
people=${1:-2000}
quarter=2025-26Q4
extract_date=2026-11-01
d="$(pwd)/bench/results/layouts-$people"
rm -rf "$d"; mkdir -p "$d"

./phb --version >/dev/null   # builds phb when needed, outside the timings
./phb keygen --out "$d/keys/provider.key" >/dev/null
./phb keygen --out "$d/keys/lake.key" >/dev/null
declare -A seconds
for layout in phb national; do
  mkdir -p "$d/$layout"
  ./phb synth --people "$people" --seed 7 --layout "$layout" --key-file "$d/keys/provider.key" --landing "$d/$layout/landing" \
    --lake "$d/$layout/synth-lake" --json > "$d/$layout/synth.json"
  t0=$(date +%s.%N)
  ./phb run --quarter "$quarter" --extract-date "$extract_date" --landing "$d/$layout/landing" --lake "$d/$layout/lake" \
    --out "$d/$layout/out" --lake-key-file "$d/keys/lake.key" --json > "$d/$layout/run.json"
  seconds[$layout]=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$t0" "$(date +%s.%N)")
  python3 bench/output_digest.py "$d/$layout/out" > "$d/$layout/outputs.txt"
done
./phb lake-diff "$d/phb/lake" "$d/national/lake" --ignore _source_file,_source_line,_raw_line --json > "$d/diff.json" \
  && same=yes || same=no
python3 - "$d" "$people" "${seconds[phb]}" "${seconds[national]}" "$same" <<'PY'
import json, sys
d, people, s_phb, s_nat, same = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
models = [open(f"{d}/{k}/lake/models/current").read().strip() for k in ("phb", "national")]
outputs = [dict(l.rsplit(" ", 1) for l in open(f"{d}/{k}/outputs.txt").read().splitlines()) for k in ("phb", "national")]
differing = sorted(f for f in outputs[0].keys() | outputs[1].keys() if outputs[0].get(f) != outputs[1].get(f))
diff = json.load(open(f"{d}/diff.json"))
rows = json.load(open(f"{d}/national/synth.json"))["rows"]
print(f"layouts: {people:,} people; batch {s_phb} s from phb's layout, {s_nat} s from the national extracts "
      f"(sus_apcs {rows.get('sus_apcs', 0):,}, sus_opa {rows.get('sus_opa', 0):,}, sus_ecds {rows.get('sus_ecds', 0):,} rows)")
print(f"layouts: {diff['tables']} lake tables compared, {diff['differing']} differ -> {'EQUAL' if same == 'yes' else 'DIFFERENT'}")
for t, m in diff["by_table"].items():
    if not m["equal"]:
        print(f"  {t}: {m['rows_a']} vs {m['rows_b']} rows, {m['note']}")
print(f"layouts: current model {models[0]} from phb's layout, {models[1]} from the national extracts -> "
      f"{'EQUAL' if models[0] == models[1] else 'DIFFERENT'}")
print(f"layouts: {len(outputs[0])} report and extract files compared, {len(differing)} differ" + "".join(f"\n  {f}" for f in differing))
sys.exit(0 if same == "yes" and models[0] == models[1] and not differing else 1)
PY

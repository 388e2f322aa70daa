#!/usr/bin/env bash
# phb replay of every stage that writes the lake: a synthetic population goes through ingest, link, features, train,
# score and budget as separate commands, and then each of those runs is replayed (phb replay RUN_ID: the stage run
# again from its record, on its inputs at the versions it read, in a scratch lake). Prints, per stage, whether
# everything the run made was made again equal, the tables compared, the replay's seconds (the command's own, and the
# part spent giving the scratch lake its tables) and the original run's seconds. Exit 0 only when every replay is equal.
#
# Usage: bench/replay.sh [PEOPLE]   (default 1500; work folder bench/results/replay-PEOPLE, removed first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
people=${1:-1500}
d="$(pwd)/bench/results/replay-$people"
rm -rf "$d"; mkdir -p "$d/keys"
common=(--lake "$d/lake" --landing "$d/landing" --out "$d/out" --json)
key=(--lake-key-file "$d/keys/lake.key")

./phb --version >/dev/null   # builds phb when needed, outside the timings
./phb keygen --out "$d/keys/provider.key" >/dev/null
./phb keygen --out "$d/keys/lake.key" >/dev/null
./phb synth --people "$people" --seed 11 --key-file "$d/keys/provider.key" "${common[@]}" > "$d/synth.json"
./phb ingest "${key[@]}" "${common[@]}" > "$d/ingest.json"
./phb link --evaluate "${key[@]}" "${common[@]}" > "$d/link.json"
./phb features --as-of 2025-26Q4 "${key[@]}" "${common[@]}" > "$d/features.json"
./phb train --as-of 2025-26Q4 --train-quarters 2 --trees 150 --evaluate "${key[@]}" "${common[@]}" > "$d/train.json"
./phb score --as-of 2025-26Q4 "${common[@]}" > "$d/score.json"
./phb budget --as-of 2025-26Q4 --evaluate "${key[@]}" "${common[@]}" > "$d/budget.json"

status=0
for stage in ingest link features train score budget; do
  run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$d/$stage.json")
  start=$(date +%s.%N)
  ./phb replay "$run_id" "${key[@]}" "${common[@]}" > "$d/replay-$stage.json" || status=1
  end=$(date +%s.%N)
  ./phb audit show "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$d/replay-$stage.json")" \
    "${common[@]}" > "$d/replay-$stage-run.json"
  ./phb audit show "$run_id" "${common[@]}" > "$d/$stage-run.json"
  python3 - "$stage" "$start" "$end" "$d/replay-$stage.json" "$d/replay-$stage-run.json" "$d/$stage-run.json" <<'EOF'
import json, sys
stage, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
r = json.load(open(sys.argv[4]))
stages = json.load(open(sys.argv[5]))["counts"]["stage_seconds"]
clone = next(v for k, v in stages.items() if k.startswith("the lake as run"))
original = json.load(open(sys.argv[6]))["seconds"]
print(f"replay {stage:9s} {'EQUAL' if r['equal'] else 'DIFFERENT'}  {len(r['tables']):3d} tables  "
      f"command {end - start:6.1f} s, replay {r['seconds']:6.1f} s (scratch lake {clone:5.1f} s); the run itself {original:6.1f} s")
EOF
done
exit $status

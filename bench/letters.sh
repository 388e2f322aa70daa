#!/usr/bin/env bash
# Times what a person sees, on a lake that has scores and budgets (e.g. a './phb demo' folder): one
# 'phb eligibility --person' look-up, one 'phb letter --person' (HTML and PDF), and the letters of a whole group
# ('phb letter --cohort GROUP', HTML and PDF each), with each run's wall time and peak memory (whole process).
# Usage: bench/letters.sh DEMO_DIR [GROUP]   (DEMO_DIR holds lake/; GROUP defaults to WHEELCHAIR)
# Prints one line per step; nothing is written into DEMO_DIR except out-letters-bench/ beside its lake.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${1:?usage: bench/letters.sh DEMO_DIR [GROUP]}
group=${2:-WHEELCHAIR}
./phb --version >/dev/null   # build once, outside the timings
out="$dir/out-letters-bench"
rm -rf "$out"
common=(--lake "$dir/lake" --out "$out" --json)
step() { # name, then the command; prints the name, wall seconds, peak RSS (MB) and the JSON summary's keys asked for
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out.$name.maxrss" "$@" > "$out.$name.json"
  local wall; wall=$(echo "$(date +%s.%N) - $t0" | bc)
  printf 'bench: %-12s %6.1f s  %5d MB\n' "$name" "$wall" $(( $(cat "$out.$name.maxrss") / 1024 ))
}
# a person with a budget: the first person_id of the budgets' latest date
person=$(./phb letter "${common[@]}" --cohort "$group" --format html | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0][len("letter-"):-len(".html")])')
rm -rf "$out"
step lookup ./phb eligibility "${common[@]}" --person "$person"
step letter ./phb letter "${common[@]}" --person "$person"
step cohort ./phb letter "${common[@]}" --cohort "$group"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("bench: cohort", sys.argv[2], j["letters"], "letters,", len(j["files"]), "files")' "$out.cohort.json" "$group"
rm -f "$out".*.maxrss

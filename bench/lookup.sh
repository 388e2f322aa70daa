#!/usr/bin/env bash
# Times one person's look-up, as a person's adviser would run it: 'phb eligibility --person ID' (the person's view, read
# without Spark) and '--for-staff' (Spark), each RUNS times, wall time and peak memory of the whole process.
# Usage: bench/lookup.sh [LAKE] [RUNS]   (default demo/lake, made by ./phb demo; 3 runs). The person is the first with a
# continuing-care budget, found with 'phb letter --cohort CHC'.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
lake=${1:-demo/lake}
runs=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
person=$(./phb letter --lake "$lake" --cohort CHC --format html --out "$tmp" --json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["files"][0][len("letter-"):-len(".html")])')
echo "lake $lake, person $person, $(nproc) cores"
for view in person staff; do
  flag=(); [ "$view" = staff ] && flag=(--for-staff)
  for i in $(seq 1 "$runs"); do
    /usr/bin/time -f "eligibility, $view view: wall %e s, peak RSS %M KB" \
      ./phb eligibility --lake "$lake" --person "$person" "${flag[@]}" > /dev/null
  done
done

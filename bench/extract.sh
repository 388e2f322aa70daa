#!/usr/bin/env bash
# Times `phb extract --purpose planning` (anonymised: age, sex, IMD decile, ethnicity and practice generalised to
# 5-anonymity within 2% suppression, verified twice) and `--purpose publication` on an existing lake, without
# writing into it: the tables the extracts read are linked into an overlay lake under bench/results, which takes
# the run records and the extract trail. Prints each run's JSON summary and wall time.
# Usage: bench/extract.sh LAKE LAKE_KEY [QUARTER]   e.g. bench/extract.sh /work/bench-1m/lake /work/bench-1m/keys/lake.key 2025-26Q4
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
src=$(cd "$1" && pwd); key=$2; quarter=${3:-2025-26Q4}
d="bench/results/extract"
rm -rf "$d"; mkdir -p "$d/lake/gold" "$d/lake/bronze" "$d/lake/silver"
for t in gold/person_features gold/risk_scores gold/phb_priority gold/phb_eligibility gold/indicative_budgets \
         bronze/ref_practices bronze/opt_outs bronze/patients silver/person_index; do
  [ -d "$src/$t" ] && ln -s "$src/$t" "$d/lake/$t"
done
./phb --version >/dev/null
for purpose in planning publication; do
  /usr/bin/time -f "$purpose: wall %e s, peak RSS %M KB" ./phb extract --purpose "$purpose" --recipient bench --quarter "$quarter" \
    --lake "$d/lake" --out "$d/out" --lake-key-file "$key" --json
done

#!/usr/bin/env bash
# The disclosure attack over every kind of publication phb makes from one lake, read together:
# the quarter's report, the previous quarter's, each Sub-ICB's report, the statement of resources, the aggregate
# (publication) extract and the anonymised planning extract. Prints the attack's JSON; exit 4 if anything leaks.
# Usage: bench/disclosure.sh DEMO_DIR   a folder ./phb demo made (lake/, landing/, keys/lake.key, out/)
# The demo's own report and extracts of the quarter (DEMO_DIR/out) are attacked as they are; what the demo does
# not make goes to DEMO_DIR/out-disclosure. QUARTER picks the quarter (default 2025-26Q4). AREAS=0 leaves out the
# Sub-ICBs' reports (ReportJobTest attacks those; CI runs this with AREAS=0 on its demo to save two reports' time).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
d="${1:?usage: bench/disclosure.sh DEMO_DIR}"
q="${QUARTER:-2025-26Q4}"
./phb --version >/dev/null   # build once
out="$d/out-disclosure"
rm -rf "$out"
base=(--lake "$d/lake" --landing "$d/landing" --out "$out")
common=("${base[@]}" --lake-key-file "$d/keys/lake.key")
prev="$(python3 -c "import sys; y,q=sys.argv[1].split('Q'); a=int(y[:4]); n=int(q)-1
print(f'{a-1}-{str(a)[2:]}Q4' if n==0 else f'{y}Q{n}')" "$q")"
prev_end="$(python3 -c "import sys; y,q=sys.argv[1].split('Q'); a=int(y[:4]); n=int(q)
print({1:f'{a}-06-30',2:f'{a}-09-30',3:f'{a}-12-31',4:f'{a+1}-03-31'}[n])" "$prev")"
echo "bench: features at $prev_end for the previous quarter's report" >&2
./phb features --as-of "$prev_end" "${common[@]}" --json > /dev/null
report() { ./phb report "$@" "${common[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["out"])'; }
pubs=()
if [[ -f "$d/out/reports/$q/manifest.json" ]]; then pubs+=("$d/out/reports/$q"); else pubs+=("$(report --quarter "$q")"); fi
pubs+=("$(report --quarter "$prev")")
sub_icbs="$(python3 -c '
import csv, sys
rows = csv.DictReader(open(sys.argv[1]))
print(" ".join(sorted({r["org_code"] for r in rows if r["org_level"] == "SUB_ICB" and r["org_code"] != "UNKNOWN"})))' "${pubs[0]}/phb_return.csv")"
[[ "${AREAS:-1}" == "0" ]] && sub_icbs=""
for org in $sub_icbs; do
  pubs+=("$(report --quarter "$q" --org "$org")")
done
pubs+=("$(./phb statement-of-resources --as-of "$q" "${base[@]}" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["out"])')")
for e in publication:nhs-england planning:icb-analytics; do
  if [[ -f "$d/out/extracts/$q/${e%%:*}/${e#*:}/manifest.json" ]]; then pubs+=("$d/out/extracts/$q/${e%%:*}/${e#*:}"); continue; fi
  pubs+=("$(./phb extract --purpose "${e%%:*}" --recipient "${e#*:}" --quarter "$q" "${common[@]}" --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["dir"])')")
done
echo "bench: attacking ${#pubs[@]} publications together: ${pubs[*]}" >&2
./phb audit --attack-publication "${pubs[@]}" --json

#!/usr/bin/env bash
# The equality proof of the national layouts, end to end: one synthetic population written twice, once in phb's own
# layout and once with its health feeds as the national extracts an ICB receives (SUS+ APCS, SUS+ OPA, ECDS, GP events,
# NHSBSA items, CSDS, MHSDS, CHC PLDS) and its council and education data as councils send them (ASC-CLD, the school
# census, SEN2 and CIN census XML returns, SSDA903 tables, the national data opt-out list), read through their dataset profiles, each run
# through the whole quarterly batch with the same keys. Every bronze, silver
# and gold table (phb lake-diff; the landing file and line aside, which name different files by design, and the record
# ids ingest makes: a person's GP condition or month of prescriptions, an opt-out, a census row, an episode, a plan), the current model's id and every published
# report and extract file (bench/output_digest.py) must be equal, and every feed sent one national row per record must
# quarantine the same number of rows for each rule (a quarantined row keeps its values as sent, which differ by layout:
# K409 against K40.9). The folded feeds' accounts differ by design (items are counted before they fold into months; a
# duplicate event folds; an XML return leaves out a row sent damaged; NationalLayoutEqualityTest accounts for them). Exit 0 only when they are.
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
./phb lake-diff "$d/phb/lake" "$d/national/lake" --ignore _source_file,_source_line,_raw_line,record_id,episode_id,ehcp_id --json > "$d/diff.json" || true
python3 - "$d" "$people" "${seconds[phb]}" "${seconds[national]}" <<'PY'
import json, sys
d, people, s_phb, s_nat = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
models = [open(f"{d}/{k}/lake/models/current").read().strip() for k in ("phb", "national")]
outputs = [dict(l.rsplit(" ", 1) for l in open(f"{d}/{k}/outputs.txt").read().splitlines()) for k in ("phb", "national")]
differing = sorted(f for f in outputs[0].keys() | outputs[1].keys() if outputs[0].get(f) != outputs[1].get(f))
diff = json.load(open(f"{d}/diff.json"))
runs = [json.load(open(f"{d}/{k}/run.json")) for k in ("phb", "national")]
accounts = [{f: (v["rows_in"], v["rows_valid"], v["rows_quarantined"], v["quarantined_by_rule"], v.get("recoded"))
             for f, v in r["steps"]["ingest"]["summary"]["feeds"].items()} for r in runs]
folded = {"gp_conditions", "prescriptions", "community", "mental_health", "chc", "opt_outs", "school_census", "ehcp", "csc"}
quarantine_differs = sorted(f for f in accounts[0].keys() | accounts[1].keys() if f not in folded and accounts[0].get(f) != accounts[1].get(f))
tables_differ = [t for t, m in diff["by_table"].items() if not m["equal"] and not t.startswith("quarantine/")]
quarantined = sum(v[2] for f, v in accounts[1].items() if f not in folded)
rows = json.load(open(f"{d}/national/synth.json"))["rows"]
folders = {}
for table, n in rows.items():
    folder = table.split("/")[0]
    if folder in ("sus_apcs", "sus_opa", "sus_ecds", "gp_events", "nhsbsa_items", "csds", "mhsds", "chc_plds",
                  "asc_client_level_data", "school_census_pupils", "sen2", "cin_census", "ssda903", "ndop_opted_out"):
        folders[folder] = folders.get(folder, 0) + n
print(f"layouts: {people:,} people; batch {s_phb} s from phb's layout, {s_nat} s from the national extracts ("
      + ", ".join(f"{k} {v:,}" for k, v in folders.items()) + " rows)")
compared = sum(1 for t in diff["by_table"] if not t.startswith("quarantine/"))
print(f"layouts: {compared} bronze, silver and gold tables compared, {len(tables_differ)} differ -> "
      f"{'EQUAL' if not tables_differ else 'DIFFERENT'}")
for t in tables_differ:
    m = diff["by_table"][t]
    print(f"  {t}: {m['rows_a']} vs {m['rows_b']} rows, {m['note']}")
print(f"layouts: {len(accounts[0]) - len(folded & accounts[0].keys())} feeds' ingest accounts (rows in, valid, quarantined by rule, "
      f"recoded codes) compared, the folded ones ({', '.join(sorted(folded & accounts[0].keys()))}) not, "
      f"{len(quarantine_differs)} differ ({quarantined:,} rows quarantined in each)" + "".join(f"\n  {f}" for f in quarantine_differs))
print(f"layouts: current model {models[0]} from phb's layout, {models[1]} from the national extracts -> "
      f"{'EQUAL' if models[0] == models[1] else 'DIFFERENT'}")
print(f"layouts: {len(outputs[0])} report and extract files compared, {len(differing)} differ" + "".join(f"\n  {f}" for f in differing))
sys.exit(0 if not tables_differ and not quarantine_differs and models[0] == models[1] and not differing else 1)
PY

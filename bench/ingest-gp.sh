#!/usr/bin/env bash
# Times `phb ingest` of GP conditions and prescriptions landed two ways, for the same people, conditions and months:
# - own: phb's layout (landing/gp_conditions: a row per person and condition; landing/prescriptions: a row per
#   person-month);
# - national: the extracts the profiles read. GP events in the GDPPR layout (landing/gp_events): each condition as an
#   event whose SNOMED CT concept is in that condition's cluster (code map gp_clusters) and a later event of the same
#   condition, among 20 events per person in no cluster (set aside, as most of a GP record is). NHSBSA items
#   (landing/nhsbsa_items): each person-month as its items, BNF codes of its distinct chemical substances, the cost split
#   across the items to the penny.
# Reports rows read, feed records in and valid, seconds, and the ratio to phb's own layout.
# Usage: bench/ingest-gp.sh [PEOPLE]      (default 100,000)   Work folder: $BENCH_DIR (default /tmp/phb-bench-gp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
people="${1:-100000}"
dir="${BENCH_DIR:-/tmp/phb-bench-gp}"
clusters="$here/schemas/src/main/resources/uk/nhs/phb/schemas/profiles/code_maps/gp_clusters.csv"
rm -rf "$dir"
mkdir -p "$dir/own/landing/gp_conditions" "$dir/own/landing/prescriptions" "$dir/national/landing/gp_events" \
  "$dir/national/landing/nhsbsa_items"

# one awk pass writes both layouts of the same people
awk -v n="$people" -v dir="$dir" -F, '
  # the code map: concepts that belong to exactly one condition, by condition
  FNR == NR { if ($0 ~ /^#/ || $1 == "concept_id") next; seen[$1] = seen[$1] (seen[$1] == "" ? "" : "|") $2; next }
  END {
    for (c in seen) { if (seen[c] !~ /\|/) { k = seen[c]; if (!(k in count)) { conds[++nconds] = k }; pool[k, ++count[k]] = c } }
    srand(11);
    gp = dir "/own/landing/gp_conditions/part-000.csv"; rx = dir "/own/landing/prescriptions/part-000.csv";
    ev = dir "/national/landing/gp_events/GDPPR_journal.csv"; it = dir "/national/landing/nhsbsa_items/EPD_PC_Meds.csv";
    print "record_id,nhs_token,condition_code,recorded_date" > gp;
    print "record_id,nhs_token,period_month,distinct_medicines,items,cost" > rx;
    print "NHS_NUMBER_DEID,PRACTICE,DATE,RECORD_DATE,CODE" > ev;
    print "dmicPseudoNHSNumber,ProcessingPeriodDate,PaidBNFCode,ItemCount,ItemNIC" > it;
    gid = 0; rid = 0;
    for (p = 0; p < n; p++) {
      tok = sprintf("T%042d", p); pseudo = sprintf("91%017d", p); practice = sprintf("F%05d", p % 400);
      delete has;
      k = int(rand() * 6);
      for (i = 0; i < k; i++) {
        cond = conds[int(rand() * nconds) + 1];
        if (cond in has) continue;
        has[cond] = 1;
        y = 2010 + int(rand() * 15); m = int(rand() * 12) + 1; d = int(rand() * 28) + 1;
        date = sprintf("%d-%02d-%02d", y, m, d);
        printf "G%d,%s,%s,%s\n", gid++, tok, cond, date > gp;
        printf "%s,%s,%s,%s,%s\n", pseudo, practice, date, date, pool[cond, int(rand() * count[cond]) + 1] > ev;
        later = sprintf("%d-%02d-%02d", y + 1, m, d);
        printf "%s,%s,%s,%s,%s\n", pseudo, practice, later, later, pool[cond, int(rand() * count[cond]) + 1] > ev;
      }
      for (i = 0; i < 20; i++) {
        date = sprintf("%d-%02d-%02d", 2015 + int(rand() * 10), int(rand() * 12) + 1, int(rand() * 28) + 1);
        do { code = sprintf("88%07d", int(rand() * 9999999)) } while (code in seen);
        printf "%s,%s,%s,%s,%s\n", pseudo, practice, date, date, code > ev;
      }
      for (m = 1; m <= 12; m++) {
        if (rand() < 0.5) continue;
        items = int(rand() * 8) + 1; distinct = int(rand() * items) + 1;
        pence = 0; delete cost;
        for (i = 1; i <= items; i++) { cost[i] = 50 + int(rand() * 2000); pence += cost[i]; }
        month = sprintf("2024-%02d-01", m);
        printf "R%d,%s,%s,%d,%d,%d.%02d\n", rid++, tok, month, distinct, items, int(pence / 100), pence % 100 > rx;
        delete chem;
        for (i = 1; i <= items; i++) {
          if (i <= distinct) { chem[i] = sprintf("%09d", 100000000 + (p * 7 + i * 131) % 900); }
          else { chem[i] = chem[int(rand() * distinct) + 1]; }
          printf "%s,%s,%sAAAAAA,1,%d.%02d\n", pseudo, month, chem[i], int(cost[i] / 100), cost[i] % 100 > it;
        }
      }
    }
  }' "$clusters" /dev/null
du -sh "$dir"/*/landing/*

cd "$here"
# shellcheck source=lib/ingest_timed.sh
source bench/lib/ingest_timed.sh
./phb --version >/dev/null   # builds first if needed, outside the timing
./phb keygen --out "$dir/lake.key" >/dev/null
printf '%-9s %-14s %12s %12s %12s %9s %7s\n' layout feed lines_read rows_in rows_valid seconds ratio
for feed in gp_conditions prescriptions; do
  base=""
  for layout in own national; do
    ingest_timed "$dir" "$layout" "$feed"
    secs=$SECS
    [ -z "$base" ] && base="$secs"
    folder=$( [ "$layout" = own ] && echo "$feed" || { [ "$feed" = gp_conditions ] && echo gp_events || echo nhsbsa_items; } )
    lines=$(( $(cat "$dir/$layout/landing/$folder"/*.csv | wc -l) - 1 ))
    printf '%-9s %-14s %12s %12s %12s %9.1f %7.2f\n' "$layout" "$feed" "$lines" "$ROWS" "$VALID" "$secs" "$(echo "$secs / $base" | bc -l)"
  done
done

#!/usr/bin/env bash
# Times `phb ingest` of GP conditions and prescriptions landed two ways, for the same people, conditions and months:
# - own: phb's layout (landing/gp_conditions: a row per person and condition; landing/prescriptions: a row per
#   person-month, costed at the national cost per dispensed item);
# - fhir: a shared care record's FHIR R4 Bulk Data export (landing/fhir, read by the fhir_conditions and fhir_dispenses
#   profiles): a Patient per person with the NHS number identifier; each condition as a Condition whose SNOMED CT concept
#   is in that condition's cluster (code map gp_clusters) and a later Condition of the same, among 5 Conditions per
#   person in no cluster (set aside); each person-month as its completed MedicationDispense resources, one per item,
#   with the dm+d concepts of its distinct medicines.
# Reports lines read, feed records in and valid, seconds, and the ratio to phb's own layout.
# Usage: bench/ingest-fhir.sh [PEOPLE]      (default 100,000)   Work folder: $BENCH_DIR (default /tmp/phb-bench-fhir)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
people="${1:-100000}"
dir="${BENCH_DIR:-/tmp/phb-bench-fhir}"
clusters="$here/schemas/src/main/resources/uk/nhs/phb/schemas/profiles/code_maps/gp_clusters.csv"
rm -rf "$dir"
mkdir -p "$dir/own/landing/gp_conditions" "$dir/own/landing/prescriptions" "$dir/fhir/landing/fhir"

# one awk pass writes both layouts of the same people
awk -v n="$people" -v dir="$dir" -F, '
  # the code map: concepts that belong to exactly one condition, by condition
  FNR == NR { if ($0 ~ /^#/ || $1 == "concept_id") next; seen[$1] = seen[$1] (seen[$1] == "" ? "" : "|") $2; next }
  END {
    for (c in seen) { if (seen[c] !~ /\|/) { k = seen[c]; if (!(k in count)) { conds[++nconds] = k }; pool[k, ++count[k]] = c } }
    srand(13);
    gp = dir "/own/landing/gp_conditions/part-000.csv"; rx = dir "/own/landing/prescriptions/part-000.csv";
    pat = dir "/fhir/landing/fhir/Patient.ndjson"; con = dir "/fhir/landing/fhir/Condition.ndjson";
    dis = dir "/fhir/landing/fhir/MedicationDispense.ndjson";
    print "record_id,nhs_token,condition_code,recorded_date" > gp;
    print "record_id,nhs_token,period_month,distinct_medicines,items,cost" > rx;
    nhs = "\"system\":\"https://fhir.nhs.uk/Id/nhs-number\""; sct = "\"system\":\"http://snomed.info/sct\"";
    dmd = "\"system\":\"https://dmd.nhs.uk\"";
    gid = 0; rid = 0; cid = 0; did = 0;
    for (p = 0; p < n; p++) {
      tok = sprintf("T%042d", p); pseudo = sprintf("91%017d", p); ref = "{\"reference\":\"Patient/p" p "\"}";
      printf "{\"resourceType\":\"Patient\",\"id\":\"p%d\",\"identifier\":[{%s,\"value\":\"%s\"}],\"gender\":\"unknown\"}\n", p, nhs, pseudo > pat;
      delete has;
      k = int(rand() * 6);
      for (i = 0; i < k; i++) {
        cond = conds[int(rand() * nconds) + 1];
        if (cond in has) continue;
        has[cond] = 1;
        y = 2010 + int(rand() * 15); m = int(rand() * 12) + 1; d = int(rand() * 28) + 1;
        date = sprintf("%d-%02d-%02d", y, m, d);
        printf "G%d,%s,%s,%s\n", gid++, tok, cond, date > gp;
        printf "{\"resourceType\":\"Condition\",\"id\":\"c%d\",\"code\":{\"coding\":[{%s,\"code\":\"%s\"}]},\"subject\":%s,\"onsetDateTime\":\"%sT10:00:00+00:00\"}\n", cid++, sct, pool[cond, int(rand() * count[cond]) + 1], ref, date > con;
        later = sprintf("%d-%02d-%02d", y + 1, m, d);
        printf "{\"resourceType\":\"Condition\",\"id\":\"c%d\",\"code\":{\"coding\":[{%s,\"code\":\"%s\"}]},\"subject\":%s,\"recordedDate\":\"%s\"}\n", cid++, sct, pool[cond, int(rand() * count[cond]) + 1], ref, later > con;
      }
      for (i = 0; i < 5; i++) {
        date = sprintf("%d-%02d-%02d", 2015 + int(rand() * 10), int(rand() * 12) + 1, int(rand() * 28) + 1);
        do { code = sprintf("88%07d", int(rand() * 9999999)) } while (code in seen);
        printf "{\"resourceType\":\"Condition\",\"id\":\"c%d\",\"code\":{\"coding\":[{%s,\"code\":\"%s\"}]},\"subject\":%s,\"recordedDate\":\"%s\"}\n", cid++, sct, code, ref, date > con;
      }
      # months of financial year 2024/25 only, so every item has the same national cost (8.89)
      for (m = 5; m <= 12; m++) {
        if (rand() < 0.5) continue;
        items = int(rand() * 8) + 1; distinct = int(rand() * items) + 1;
        month = sprintf("2024-%02d-01", m);
        printf "R%d,%s,%s,%d,%d,%.2f\n", rid++, tok, month, distinct, items, items * 8.89 > rx;
        for (i = 1; i <= items; i++) {
          med = sprintf("%d", 300000000 + (i <= distinct ? i : int(rand() * distinct) + 1));
          printf "{\"resourceType\":\"MedicationDispense\",\"id\":\"d%d\",\"status\":\"completed\",\"medicationCodeableConcept\":{\"coding\":[{%s,\"code\":\"%s\"}]},\"subject\":%s,\"whenHandedOver\":\"2024-%02d-%02dT09:00:00+01:00\"}\n", did++, dmd, med, ref, m, int(rand() * 28) + 1 > dis;
        }
      }
    }
  }' "$clusters" /dev/null
du -sh "$dir"/own/landing/* "$dir"/fhir/landing/fhir/*

cd "$here"
# shellcheck source=lib/ingest_timed.sh
source bench/lib/ingest_timed.sh
./phb --version >/dev/null   # builds first if needed, outside the timing
./phb keygen --out "$dir/lake.key" >/dev/null
printf '%-6s %-14s %12s %12s %12s %9s %7s\n' layout feed lines_read rows_in rows_valid seconds ratio
for feed in gp_conditions prescriptions; do
  base=""
  for layout in own fhir; do
    ingest_timed "$dir" "$layout" "$feed"
    secs=$SECS
    [ -z "$base" ] && base="$secs"
    if [ "$layout" = own ]; then
      lines=$(( $(cat "$dir/own/landing/$feed"/*.csv | wc -l) - 1 ))
    else
      lines=$(cat "$dir/fhir/landing/fhir/Patient.ndjson" "$dir/fhir/landing/fhir/$( [ "$feed" = gp_conditions ] && echo Condition || echo MedicationDispense).ndjson" | wc -l)
    fi
    printf '%-6s %-14s %12s %12s %12s %9.1f %7.2f\n' "$layout" "$feed" "$lines" "$ROWS" "$VALID" "$secs" "$(echo "$secs / $base" | bc -l)"
  done
done

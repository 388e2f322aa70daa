#!/usr/bin/env bash
# Times `phb ingest` of one admitted-care quarter landed three ways: phb's own layout (landing/apc_spells), SUS+ APCS
# as NCDR/UDAL views export it (landing/sus_apcs: date-times, 5-character site codes, Der_Diagnosis_All, half the spells
# without a cost so they are priced), and HES APC (landing/hes_apc: the same spells as 1.25 episodes each on average,
# dd/MM/yyyy dates, no costs). Same spells, same people; reports each time and the ratio to phb's own layout.
# Usage: bench/ingest-national.sh [SPELLS]      (default 1,000,000)   Work folder: $BENCH_DIR (default /tmp/phb-bench-national)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spells="${1:-1000000}"
dir="${BENCH_DIR:-/tmp/phb-bench-national}"
rm -rf "$dir"
for layout in own sus hes; do mkdir -p "$dir/$layout/landing"; done
mkdir -p "$dir/own/landing/apc_spells" "$dir/sus/landing/sus_apcs" "$dir/hes/landing/hes_apc"

# one awk pass writes the three layouts of the same spells
awk -v n="$spells" -v dir="$dir" 'BEGIN {
  srand(7);
  own = dir "/own/landing/apc_spells/part-000.csv"; sus = dir "/sus/landing/sus_apcs/APCS_Core.csv"; hes = dir "/hes/landing/hes_apc/HES_APC.csv";
  print "spell_id,nhs_token,provider_code,admission_date,discharge_date,admission_method,primary_diagnosis,hrg_code,cost" > own;
  print "APCS_Ident,Der_Pseudo_NHS_Number,Der_Provider_Code,Der_Provider_Site_Code,Admission_Date,Discharge_Date,Admission_Method,Der_Diagnosis_All,Spell_Core_HRG_SUS,Grand_Total_Payment_MFF,Der_Financial_Year" > sus;
  print "TOKEN_PERSON_ID,EPIKEY,EPIORDER,ADMIDATE,DISDATE,ADMIMETH,DIAG_4_01,DIAG_4_CONCAT,PROCODE3,SUSHRG,EPISTAT" > hes;
  split("11 12 21 21 21 22 2A 2B 28 31 81", method, " ");
  split("J189 I10X N390 R074 S720 I500 J441 E116 I639 K590 H259 M171", diag, " ");
  split("DZ11V EB12C LA04S HT12A EB03D DZ65H KB02J AA35C FD04C BZ34C HN22D FF61C", hrg, " ");
  split("RXH RTH RK9 RYJ NT3", prov, " ");
  alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  people = int(n / 3) + 1;
  for (i = 0; i < n; i++) {
    p = int(rand() * people);
    tok = sprintf("T%042d", p);
    pseudo = sprintf("91%017d", p);
    m = method[int(rand() * 11) + 1]; d = int(rand() * 12); h = d + 1;
    pr = prov[int(rand() * 5) + 1];
    mon = int(rand() * 12) + 1; day = int(rand() * 27) + 1; los = int(rand() * 6);
    adm = sprintf("2023-%02d-%02d", mon, day); dis = sprintf("2023-%02d-%02d", mon, day + (day + los > 28 ? 0 : los));
    cost = sprintf("%.2f", 300 + rand() * 6000);
    printf "S%d,%s,%s,%s,%s,%s,%s,%s,%s\n", i, tok, pr, adm, dis, m, diag[d + 1], hrg[h], cost > own;
    printf "%d,%s,%s00,%s01,%s 00:00:00.000,%s 00:00:00.000,%s,\"||%s ,R69X \",%s,%s,2023/24\n", 900000000 + i, pseudo, pr, pr, adm, dis, m,
      diag[d + 1], hrg[h], (i % 2 ? cost : "") > sus;
    eps = (rand() < 0.25) ? 2 : 1;
    split(adm, a, "-"); split(dis, b, "-");
    for (e = 1; e <= eps; e++) {
      printf "%s,%d,%d,%s/%s/%s,%s,%s,%s,%s,%s,%s,3\n", pseudo, 4000000000 + 2 * i + e, e, a[3], a[2], a[1],
        (e == eps ? b[3] "/" b[2] "/" b[1] : "01/01/1800"), m, diag[d + 1], diag[d + 1], pr, hrg[h] > hes;
    }
  }
}'
du -sh "$dir"/*/landing

cd "$here"
./phb --version >/dev/null   # builds first if needed, outside the timing
./phb keygen --out "$dir/lake.key" >/dev/null
printf '%-6s %12s %10s %8s\n' layout rows_in seconds ratio
base=""
for layout in own sus hes; do
  start=$(date +%s.%N)
  ./phb ingest --feeds apc_spells --extract-date 2024-06-30 --landing "$dir/$layout/landing" --lake "$dir/$layout/lake" \
    --out "$dir/$layout/out" --lake-key-file "$dir/lake.key" --json > "$dir/$layout/result.json" 2> "$dir/$layout/stderr.txt"
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc)
  [ -z "$base" ] && base="$secs"
  rows=$(python3 -c "import json,sys; print(json.load(open('$dir/$layout/result.json'))['rows_in'])")
  printf '%-6s %12s %10.1f %8.2f\n' "$layout" "$rows" "$secs" "$(echo "$secs / $base" | bc -l)"
done

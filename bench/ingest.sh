#!/usr/bin/env bash
# Times `phb ingest` on a generated gp_appointments feed: ROWS data lines (default 1,000,000) in PARTS CSV
# files, about 1% of them broken (bad cost, unknown code, duplicate id) so quarantine is exercised too.
# Usage: bench/ingest.sh [ROWS] [PARTS]      Work folder: $BENCH_DIR (default /tmp/phb-bench), wiped first.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-1000000}"
parts="${2:-1}"
dir="${BENCH_DIR:-/tmp/phb-bench}"
rm -rf "$dir"
mkdir -p "$dir/landing/gp_appointments"

per=$(( (rows + parts - 1) / parts ))
for ((p = 0; p < parts; p++)); do
  awk -v start=$(( p * per )) -v n="$per" -v total="$rows" 'BEGIN {
    srand(42 + start);
    print "record_id,nhs_token,appointment_date,hcp_type,appointment_mode,attended,cost";
    split("GP NURSE OTHER", hcp, " "); split("FACE_TO_FACE TELEPHONE HOME_VISIT VIDEO", mode, " ");
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    for (i = start; i < start + n && i < total; i++) {
      tok = ""; for (k = 0; k < 43; k++) tok = tok substr(alpha, int(rand() * 64) + 1, 1);
      id = "A" i; cost = sprintf("%.2f", rand() * 120); h = hcp[int(rand() * 3) + 1];
      r = i % 100;
      if (r == 17) cost = "12.345";            # bad_type
      if (r == 42) h = "DENTIST";               # unknown_code
      if (r == 73 && i > 0) id = "A" (i - 1);   # duplicate_record
      printf "%s,%s,2023-%02d-%02d,%s,%s,%s,%s\n", id, tok, int(rand() * 12) + 1, int(rand() * 28) + 1, h,
             mode[int(rand() * 4) + 1], (rand() < 0.9 ? "Y" : "N"), cost;
    }
  }' > "$dir/landing/gp_appointments/part-$(printf %03d "$p").csv"
done
du -sh "$dir/landing/gp_appointments"

cd "$here"
./phb --version >/dev/null   # builds first if needed, outside the timing
start=$(date +%s.%N)
./phb ingest --feeds gp_appointments --extract-date 2024-06-30 \
  --landing "$dir/landing" --lake "$dir/lake" --out "$dir/out" --json > "$dir/result.json"
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc)
cat "$dir/result.json"; echo
echo "rows=$rows parts=$parts seconds=$secs rows_per_second=$(echo "$rows / $secs" | bc)"

#!/usr/bin/env bash
# The National Data Opt-out check's answer for an ICB's registered population: NUMBERS lines (default 3,000,000), one
# pseudonymised NHS number per line with a trailing comma, as MESH carries it, landed through the ndop_cleared list
# profile with a small heap (PHB_HEAP, default 1g). Prints the file's size, the rows landed, the whole-process wall time
# and the peak resident memory.
#
# Usage: bench/ndop.sh [NUMBERS]   (work folder bench/results/ndop-NUMBERS, removed first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-3000000}
d="bench/results/ndop-$n"
rm -rf "$d"; mkdir -p "$d/landing/ndop_cleared"
./phb --version >/dev/null
./phb keygen --out "$d/lake.key" >/dev/null
# invented DSCRO pseudonyms (19-digit integers, as NCDR's Der_Pseudo_NHS_Number), CRLF line ends
python3 - "$n" "$d/landing/ndop_cleared/X26OT001-010625-0001.dat" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", newline="") as f:
    for i in range(n):
        f.write(f"{9100000000000000000 + i * 7919},\r\n")
PY
bytes=$(stat -c %s "$d/landing/ndop_cleared/"*.dat)
# shellcheck source=lib/ingest_timed.sh
source bench/lib/ingest_timed.sh
ingest_measured "$d" opt_outs
python3 - "$d" "$n" "$bytes" "$SECS" "$RSS_MIB" "${PHB_HEAP:-1g}" <<'PY'
import json, sys
d, n, size, secs, rss, heap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
j = json.load(open(f"{d}/ingest.json"))
print(f"ndop: {n:,} numbers in one {size / 2**20:.0f} MiB list; {j['rows_valid']:,} valid, {j['rows_quarantined']:,} quarantined; "
      f"{secs:.1f} s whole process with heap {heap}, peak resident memory {rss:,} MiB")
PY

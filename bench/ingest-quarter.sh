#!/usr/bin/env bash
# A whole quarter's ingest in both layouts: `phb synth` writes the same people, activity and faults once in phb's own
# layout and once with every health feed as the national extract a DSCRO sends (SUS+, ECDS, GP events, NHSBSA items,
# CSDS, MHSDS, CHC PLDS; docs/SYNTH.md), then `phb ingest` reads each landing (every feed) with the launcher's default
# heap. Reports landing size, whole-process wall time and peak resident memory of each ingest, the ratio national / phb,
# and whether the two lakes' bronze tables are equal (phb lake-diff, with the landing file and line and the record ids a
# fold makes aside).
# Usage: bench/ingest-quarter.sh [PEOPLE]   (default 100000; work folder bench/results/ingest-quarter-PEOPLE, removed first)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
people=${1:-100000}
d="$(pwd)/bench/results/ingest-quarter-$people"
rm -rf "$d"; mkdir -p "$d"
./phb --version >/dev/null   # builds phb when needed, outside the timings
./phb keygen --out "$d/provider.key" >/dev/null
./phb keygen --out "$d/lake.key" >/dev/null
for layout in phb national; do
  mkdir -p "$d/$layout"
  ./phb synth --people "$people" --seed 3 --layout "$layout" --key-file "$d/provider.key" --landing "$d/$layout/landing" \
    --lake "$d/$layout/synth-lake" --json > "$d/$layout/synth.json"
done
declare -A secs rss bytes
for layout in phb national; do
  bytes[$layout]=$(du -sb --exclude=_truth "$d/$layout/landing" | cut -f1)
  /usr/bin/time -f '%e %M' -o "$d/$layout/time.txt" ./phb ingest --extract-date 2026-04-30 --landing "$d/$layout/landing" \
    --lake "$d/$layout/lake" --out "$d/$layout/out" --lake-key-file "$d/lake.key" --json > "$d/$layout/ingest.json" 2> "$d/$layout/ingest.err"
  read -r secs[$layout] rss[$layout] < "$d/$layout/time.txt"
done
./phb lake-diff "$d/phb/lake" "$d/national/lake" --ignore _source_file,_source_line,_raw_line,record_id --json > "$d/diff.json" || true
python3 - "$d" "$people" "${secs[phb]}" "${secs[national]}" "${rss[phb]}" "${rss[national]}" "${bytes[phb]}" "${bytes[national]}" <<'PY'
import json, sys
d, people = sys.argv[1], int(sys.argv[2])
s_phb, s_nat, r_phb, r_nat, b_phb, b_nat = map(float, sys.argv[3:9])
diff = json.load(open(f"{d}/diff.json"))
bronze = {t: m for t, m in diff["by_table"].items() if t.startswith("bronze/")}
differ = [t for t, m in bronze.items() if not m["equal"]]
ingest = {k: json.load(open(f"{d}/{k}/ingest.json")) for k in ("phb", "national")}
rows = {k: sum(f["rows_valid"] for f in v["feeds"].values()) for k, v in ingest.items()}
print(f"ingest-quarter: {people:,} people, every feed")
print(f"  phb layout:       {b_phb / 2**30:.2f} GiB landing, {s_phb:.0f} s, peak RSS {r_phb / 2**20:.2f} GiB, {rows['phb']:,} rows valid")
print(f"  national layouts: {b_nat / 2**30:.2f} GiB landing, {s_nat:.0f} s, peak RSS {r_nat / 2**20:.2f} GiB, {rows['national']:,} rows valid")
print(f"  national / phb: {s_nat / s_phb:.2f}x the time for {b_nat / b_phb:.2f}x the bytes")
print(f"  bronze tables compared: {len(bronze)}, differ: {len(differ)}" + "".join(f"\n    {t}: {bronze[t]['note']}" for t in differ))
PY

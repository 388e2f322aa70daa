#!/usr/bin/env bash
# Times `phb report` and records its before/after figures (DiD estimate, 95% CI, the generator's true effect,
# max |SMD| after matching) in docs/BENCHMARKS.md.
# Usage: bench/report.sh PEOPLE            uses bench/results/pipeline-PEOPLE (made by bench/pipeline.sh PEOPLE when missing)
#        bench/report.sh --dir DIR         a folder with lake/, landing/ and keys/lake.key (e.g. /work/bench-1m)
# The report goes to bench/results/report-<name>/out (never into DIR); QUARTER (default 2025-26Q4) picks the quarter.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./phb --version >/dev/null   # build once, outside the timing
command -v python3 >/dev/null || { echo "bench: python3 is needed to read the JSON summary" >&2; exit 1; }
quarter="${QUARTER:-2025-26Q4}"
if [[ "${1:-}" == "--dir" ]]; then
  d="$2"; name="$(basename "$d")"
else
  n="${1:?usage: bench/report.sh PEOPLE | --dir DIR}"; d="bench/results/pipeline-$n"; name="$n"
  [[ -f "$d/features.json" ]] || bench/pipeline.sh "$n"
fi
r="bench/results/report-$name"
rm -rf "$r"; mkdir -p "$r"
t0=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$r/report.maxrss" ./phb report --quarter "$quarter" --lake "$d/lake" --landing "$d/landing" --out "$r/out" \
  --lake-key-file "$d/keys/lake.key" --json > "$r/report.json"
echo "$(date +%s.%N) - $t0" | bc > "$r/report.wall"
echo "bench: report $(cat "$r/report.wall") s" >&2
python3 - "$r" "$d" "$quarter" >> docs/BENCHMARKS.md <<'PY'
import json, sys, os
r, d, q = sys.argv[1], sys.argv[2], sys.argv[3]
j = json.load(open(f"{r}/report.json"))
wall = float(open(f"{r}/report.wall").read())
rss = int(open(f"{r}/report.maxrss").read().split()[-1]) / 1024 / 1024
people = None
for f in (f"{d}/synth.json",):
    if os.path.exists(f):
        people = json.load(open(f)).get("people")
print(f"\n### Report, {people:,} people ({os.popen('date -u +%Y-%m-%d').read().strip()})\n" if people else
      f"\n### Report, lake {d} ({os.popen('date -u +%Y-%m-%d').read().strip()})\n")
print(f"- machine: 2 cores, 24 GiB, shared with other work (load average {os.getloadavg()[0]:.0f} when the run ended); "
      f"command: `bench/report.sh {'--dir ' + d if not d.startswith('bench/results/pipeline-') else d.rsplit('-', 1)[1]}` "
      f"(`./phb report --quarter {q} --json`)")
print(f"- wall {wall:.1f} s for the whole command (job {j['seconds']:.1f} s), peak RSS {rss:.1f} GiB")
print("- stage seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in j.get("stage_seconds", {}).items()))
print(f"- return: {j.get('return_received_ytd')} people received a PHB in the year to date, {j.get('return_active_at_quarter_end')} "
      f"in place at the quarter end, {j.get('return_new_in_quarter')} new in the quarter (published figures)")
if j.get("did_estimate") is not None:
    print(f"- before/after ({j['did_outcome']}, GBP per person over 12 months): DiD {j['did_estimate']:,.2f}, 95% CI "
          f"{j['did_ci_low']:,.2f} to {j['did_ci_high']:,.2f}; true effect {j.get('true_effect')}; CI covers the truth: "
          f"{j.get('ci_covers_true_effect')}; matched pairs {j.get('matched_pairs')}; max |SMD| before {j['max_abs_smd_before']}, "
          f"after {j['max_abs_smd_after']}")
else:
    print(f"- before/after: {j.get('did_status')}")
ba = f"{r}/out/reports/{q}/before_after.csv"
if os.path.exists(ba):
    rows = [l.rstrip("\n") for l in open(ba)]
    print("\n| " + " | ".join(rows[0].split(",")) + " |\n|" + "---|" * len(rows[0].split(",")))
    import csv
    for row in list(csv.reader(rows))[1:]:
        print("| " + " | ".join(row) + " |")
PY

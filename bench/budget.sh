#!/usr/bin/env bash
# Times 'phb budget --evaluate' and 'phb statement-of-resources' on a synthetic population of N people and
# appends the figures to docs/BENCHMARKS.md (accuracy of the needs-based estimate against the generator's true
# need, range coverage, the cohort-average baseline, job times).
# Usage: bench/budget.sh N
#   The lake is built in bench/results/budget-N (synth --seed 1, ingest, link, features, train and score at
#   2025-26Q4) unless it has gold/phb_eligibility; PHB_BENCH_FROM=DIR copies lake/, landing/ and keys/ of a
#   folder that has them (e.g. a bench/identify.sh folder of the same size) instead.
#   If /work/bench-1m/READY exists and that lake has gold/phb_eligibility (or PHB_BENCH_1M=DIR points at such a
#   lake), 'phb budget' is also timed there (writing only its gold/indicative_budgets and gold/budget_models).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:?usage: bench/budget.sh N}
./phb --version >/dev/null   # build once, outside the timings
command -v python3 >/dev/null || { echo "bench: python3 is needed to read the JSON summaries" >&2; exit 1; }
d="bench/results/budget-$n"
mkdir -p "$d"
common=(--lake "$d/lake" --landing "$d/landing" --out "$d/out" --json)
step() { # name, then the command
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$d/$name.maxrss" "$@" > "$d/$name.json"
  echo "$(date +%s.%N) - $t0" | bc > "$d/$name.wall"
  echo "bench: $name $(cat "$d/$name.wall") s" >&2
}
if [ ! -d "$d/lake/gold/phb_eligibility" ]; then
  if [ -n "${PHB_BENCH_FROM:-}" ]; then
    cp -r "$PHB_BENCH_FROM/lake" "$PHB_BENCH_FROM/landing" "$PHB_BENCH_FROM/keys" "$d/"
  else
    [ -f "$d/keys/provider.key" ] || ./phb keygen --out "$d/keys/provider.key" >/dev/null
    [ -f "$d/keys/lake.key" ] || ./phb keygen --out "$d/keys/lake.key" >/dev/null
    [ -f "$d/synth.wall" ] || step synth ./phb synth --people "$n" --seed 1 --key-file "$d/keys/provider.key" --force "${common[@]}"
    [ -f "$d/ingest.wall" ] || step ingest ./phb ingest "${common[@]}"
    [ -f "$d/link.wall" ] || step link ./phb link --lake-key-file "$d/keys/lake.key" "${common[@]}"
    [ -f "$d/features.wall" ] || step features ./phb features --as-of 2025-26Q4 --lake-key-file "$d/keys/lake.key" "${common[@]}"
    [ -f "$d/train.wall" ] || step train ./phb train --as-of 2025-26Q4 --lake-key-file "$d/keys/lake.key" "${common[@]}"
    step score ./phb score --as-of 2025-26Q4 "${common[@]}"
  fi
fi
step budget ./phb budget --as-of 2025-26Q4 --evaluate --lake-key-file "$d/keys/lake.key" "${common[@]}"
step sor ./phb statement-of-resources --as-of 2025-26Q4 "${common[@]}"
big=${PHB_BENCH_1M:-/work/bench-1m}
if [ -f "$big/READY" ] && [ -d "$big/lake/gold/phb_eligibility" ]; then
  step budget1m ./phb budget --as-of 2025-26Q4 --lake "$big/lake" --landing "$big/landing" --out "$d/out-1m" \
    --lake-key-file "$big/keys/lake.key" --json
fi
python3 - "$d" "$n" >> docs/BENCHMARKS.md <<'PY'
import json, sys, os, platform
d, n = sys.argv[1], int(sys.argv[2])
b = json.load(open(f"{d}/budget.json")); s = json.load(open(f"{d}/sor.json"))
wall = lambda k: float(open(f"{d}/{k}.wall").read())
rss = lambda k: int(open(f"{d}/{k}.maxrss").read().split()[-1]) / 1024 / 1024
f = lambda v: "n/a" if v is None else f"{v:.3f}"
print(f"\n### Indicative budgets, {n:,} people ({os.popen('date -u +%Y-%m-%d').read().strip()}, run {b['run_id']})\n")
print(f"- machine: 2 cores, 24 GiB, {platform.system()}, shared with other builds and benchmarks while measured; command: `bench/budget.sh {n}`")
print(f"- {b['people']:,} people with a budget ({b['people_without_lines']:,} eligible or listed with nothing to budget for), "
      f"{b['lines']:,} lines, £{float(b['total_annual_gbp']):,.2f} a year; {b['pooled_people']:,} integrated (pooled) budgets")
print(f"- lines by method: {', '.join(f'{k} {v:,}' for k, v in b['lines_by_method'].items())}")
print(f"- job time: budget {b['seconds']:.1f} s (wall {wall('budget'):.1f} s with --evaluate, peak RSS {rss('budget'):.1f} GiB); "
      f"statement of resources {s['seconds']:.1f} s (wall {wall('sor'):.1f} s)")
print(f"\nAgainst the generator's true annual need ({b['lines_evaluated']:,} lines with a true need above zero):\n")
print("| stream | lines | MdAPE needs-based estimate | range coverage (IQR) | MdAPE cohort average (baseline) | MdAPE stated figure |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| all | {b['lines_evaluated']:,} | {f(b['mdape'])} | {f(b['range_coverage'])} | {f(b['baseline_mdape'])} | {f(b['chosen_mdape'])} |")
for k, v in b["by_stream"].items():
    print(f"| {k} | {v['lines_evaluated']:,} | {f(v['mdape'])} | {f(v['range_coverage'])} | {f(v['baseline_mdape'])} | {f(v['chosen_mdape'])} |")
if os.path.exists(f"{d}/budget1m.json"):
    m = json.load(open(f"{d}/budget1m.json"))
    print(f"\n1,000,000-person lake (`/work/bench-1m`): {m['people']:,} people with a budget, {m['lines']:,} lines; "
          f"budget job {m['seconds']:.1f} s (wall {wall('budget1m'):.1f} s, peak RSS {rss('budget1m'):.1f} GiB), target under 120 s")
PY

#!/usr/bin/env bash
# Trains the risk and cost models and scores a synthetic population of N people; appends the figures to
# docs/BENCHMARKS.md (AUROC against the generator's oracle, calibration, baselines, train and score times).
# Usage: bench/identify.sh N
#   The lake is built in bench/results/identify-N (synth --seed 1, ingest, link, features at 2025-26Q4) unless it
#   exists; PHB_BENCH_FROM=DIR copies lake/, landing/ and keys/ of a bench/pipeline.sh folder of the same size instead.
#   If /work/bench-1m/READY exists (or PHB_BENCH_1M=DIR points at a READY lake), 'phb score' is also timed on that
#   1,000,000-person lake with the model trained here (writing only its gold/risk_scores, phb_eligibility, phb_priority).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:?usage: bench/identify.sh N}
./phb --version >/dev/null   # build once, outside the timings
command -v python3 >/dev/null || { echo "bench: python3 is needed to read the JSON summaries" >&2; exit 1; }
d="bench/results/identify-$n"
mkdir -p "$d"
common=(--lake "$d/lake" --landing "$d/landing" --out "$d/out" --json)
step() { # name, then the command
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$d/$name.maxrss" "$@" > "$d/$name.json"
  echo "$(date +%s.%N) - $t0" | bc > "$d/$name.wall"
  echo "bench: $name $(cat "$d/$name.wall") s" >&2
}
if [ ! -d "$d/lake/gold/person_features" ]; then
  if [ -n "${PHB_BENCH_FROM:-}" ]; then
    cp -r "$PHB_BENCH_FROM/lake" "$PHB_BENCH_FROM/landing" "$PHB_BENCH_FROM/keys" "$d/"
  else
    ./phb keygen --out "$d/keys/provider.key" >/dev/null
    ./phb keygen --out "$d/keys/lake.key" >/dev/null
    step synth ./phb synth --people "$n" --seed 1 --key-file "$d/keys/provider.key" "${common[@]}"
    step ingest ./phb ingest "${common[@]}"
    step link ./phb link --lake-key-file "$d/keys/lake.key" "${common[@]}"
    step features ./phb features --as-of 2025-26Q4 --lake-key-file "$d/keys/lake.key" "${common[@]}"
  fi
fi
step train ./phb train --as-of 2025-26Q4 --lake-key-file "$d/keys/lake.key" "${common[@]}"
step score ./phb score --as-of 2025-26Q4 "${common[@]}"
big=${PHB_BENCH_1M:-/work/bench-1m}
if [ -f "$big/READY" ]; then
  model=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['model_dir'])" "$d/train.json")
  step score1m ./phb score --as-of 2025-26Q4 --model "$model" --lake "$big/lake" --landing "$big/landing" --out "$d/out-1m" --json
fi
python3 - "$d" "$n" >> docs/BENCHMARKS.md <<'PY'
import json, sys, os, platform
d, n = sys.argv[1], int(sys.argv[2])
t = json.load(open(f"{d}/train.json")); s = json.load(open(f"{d}/score.json"))
wall = lambda k: float(open(f"{d}/{k}.wall").read())
rss = lambda k: int(open(f"{d}/{k}.maxrss").read().split()[-1]) / 1024 / 1024
m = json.load(open(os.path.join(t["model_dir"], "metrics.json")))
tr = json.load(open(os.path.join(t["model_dir"], "training.json")))
f3 = lambda v: "n/a" if v is None else f"{v:.3f}"
print(f"\n### Risk model, {n:,} people ({os.popen('date -u +%Y-%m-%d').read().strip()}, model {t['model_id']})\n")
print(f"- machine: 2 cores, 24 GiB, {platform.system()}, shared with other builds and benchmarks while measured; command: `bench/identify.sh {n}`")
print(f"- training dates {', '.join(t['training_reference_dates'])}: {t['training_rows']:,} rows, {t['rows_fitted']:,} fitted "
      f"({tr['rows_validation']:,} validation); hold-out {t['test_reference_date']}: {t['test_rows']:,} people; GBT trees kept {t['gbt_trees']}")
print("\n| model (hold-out) | AUROC (95% CI) | AUPRC | Brier | calibration slope | calibration intercept |\n|---|---|---|---|---|---|")
for name, x in m["models"].items():
    print(f"| {name} | {f3(x['auroc'])} ({f3(x['auroc_ci_lower'])}-{f3(x['auroc_ci_upper'])}) | {f3(x['auprc'])} | {x['brier']:.4f} | "
          f"{f3(x['calibration_slope'])} | {f3(x['calibration_intercept'])} |")
ratio = t.get("auroc_to_oracle")
print(f"\n| figure | value | target |\n|---|---:|---|")
print(f"| AUROC / oracle AUROC (same people) | {f3(ratio)} | >= 0.97 |")
print(f"| calibration slope | {f3(t['calibration_slope'])} | 0.9-1.1 |")
print(f"| margin over prior-admissions baseline | {t['auroc'] - t['baseline_prior_admissions_auroc']:+.3f} AUROC | clear |")
print(f"| margin over multimorbidity baseline | {t['auroc'] - t['baseline_multimorbidity_auroc']:+.3f} AUROC | clear |")
print(f"| cost model R-squared; mean predicted / observed | {f3(t['cost_r2'])}; {f3(t['cost_predicted_to_observed'])} | |")
print(f"| model fitting (GBT + cost, driver) | {t['train_seconds']:.0f} s | |")
print(f"| phb train (features for missing dates, outcomes, fit, evaluation) | {wall('train'):.0f} s wall, {t['seconds']:.0f} s job, {rss('train'):.1f} GiB peak RSS | |")
print(f"| phb score, {s['persons']:,} persons | {wall('score'):.0f} s wall, {s['seconds']:.0f} s job, {rss('score'):.1f} GiB peak RSS | |")
if os.path.exists(f"{d}/score1m.json"):
    b = json.load(open(f"{d}/score1m.json"))
    print(f"| phb score, {b['persons']:,} persons (1M lake) | {wall('score1m'):.0f} s wall, {b['seconds']:.0f} s job, {rss('score1m'):.1f} GiB peak RSS | < 60 s |")
print(f"\nScore at {s['reference_date']}: tiers {s['tiers']}; eligible persons {s['eligible_persons']:,} "
      f"({s['eligible_by_cohort']}); priority list {s['priority_list']:,}; integrated budget candidates {s['integrated_budget_candidates']:,}.")
PY

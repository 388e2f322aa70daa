#!/usr/bin/env bash
# Times `phb link --evaluate` alone on the bronze tables of finished batch runs (bench/batch.sh), one size after
# another, and prints one JSON object per size (stage seconds, candidate pairs per rule, precision, recall, F1,
# blocking recall, wall seconds, peak RSS) and the growth exponent of the link time between the sizes.
# Usage: bench/link.sh BATCH_DIR...     e.g. bench/link.sh bench/results/batch-100000 bench/results/batch-1000000
# Each run works on a copy of the linked bronze tables (the school census too, where the batch has one) in
# bench/results/link-<people>, so the batch lake is left as it was. PHB_HEAP sets the heap (as for ./phb).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ $# -gt 0 ] || { echo "usage: bench/link.sh BATCH_DIR..." >&2; exit 2; }
./phb --version >/dev/null   # build once, outside the timings
points=()
for src in "$@"; do
  people=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['people'])" "$src/synth.json")
  d="bench/results/link-$people"
  rm -rf "$d"; mkdir -p "$d/lake/bronze" "$d/keys"
  for t in patients asc_cld csc ehcp school_census; do
    if [ -d "$src/lake/bronze/$t" ]; then cp -r "$src/lake/bronze/$t" "$d/lake/bronze/"; fi
  done
  install -m 600 "$src/keys/lake.key" "$d/keys/lake.key"
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$d/link.maxrss" ./phb link --evaluate --lake-key-file "$d/keys/lake.key" --lake "$d/lake" \
    --landing "$src/landing" --out "$d/out" --json > "$d/link.json" 2> "$d/link.err"
  wall=$(echo "$(date +%s.%N) - $t0" | bc)
  python3 - "$d/link.json" "$people" "$wall" "$(cat "$d/link.maxrss")" > "$d/point.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = d["stage_seconds"]
print(json.dumps({"people": int(sys.argv[2]), "wall_s": round(float(sys.argv[3]), 1), "peak_rss_gib": round(int(sys.argv[4]) / 2**20, 2),
                  "link_and_index_s": round(sum(v for k, v in s.items() if k != "evaluate against truth"), 1), "stage_seconds": s,
                  "entities": d["entities"], "entities_without_token": d["entities_without_token"],
                  "candidate_pairs": d["candidate_pairs"], "pairs_by_rule": d["pairs_by_rule"],
                  "precision": d["precision"], "recall": d["recall"], "f1": d["f1"], "blocking_recall": d["blocking_recall"]}))
EOF
  cat "$d/point.json"
  points+=("$d/point.json")
done
python3 - "${points[@]}" <<'EOF'
import json, math, sys
p = sorted((json.load(open(f)) for f in sys.argv[1:]), key=lambda x: x["people"])
for a, b in zip(p, p[1:]):
    e = math.log(b["link_and_index_s"] / a["link_and_index_s"]) / math.log(b["people"] / a["people"])
    pe = math.log(b["candidate_pairs"] / a["candidate_pairs"]) / math.log(b["people"] / a["people"])
    print(json.dumps({"from": a["people"], "to": b["people"], "link_time_exponent": round(e, 2), "candidate_pairs_exponent": round(pe, 2)}))
EOF

#!/usr/bin/env bash
# Fuzzes ingest: TRIALS random corruptions of a 100-person synthetic landing (seeds FIRST_SEED..), each ingested
# for real and checked (every data line in bronze or quarantine exactly once, or an input error naming the
# file). Prints the totals as JSON (figures for docs/RELIABILITY.md). Usage: bench/fuzz.sh [TRIALS] [FIRST_SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
trials="${1:-200}"
seed="${2:-1}"
report="$(mktemp -t phb-fuzz.XXXXXX.json)"
start=$(date +%s)
mvn -o -q -B -Dstyle.color=never -pl jobs -am test -Dtest='IngestFuzzTest#everyCorrupted*' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dphb.fuzz.trials="$trials" -Dphb.fuzz.seed="$seed" -Dphb.fuzz.report="$report" >&2
echo "{\"command\": \"bench/fuzz.sh $trials $seed\", \"seconds\": $(( $(date +%s) - start )), \"totals\": $(cat "$report")}"
rm -f "$report"

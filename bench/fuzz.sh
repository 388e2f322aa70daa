#!/usr/bin/env bash
# Fuzzes ingest: TRIALS random corruptions of a 100-person synthetic landing (seeds FIRST_SEED..), each ingested
# for real and checked (every data line in bronze or quarantine exactly once, or an input error naming the
# file), then XML_TRIALS random kinds of damage to a school census and a CIN census return (each record in bronze or
# quarantine, the records before a break landed, or an input error naming the file). Prints the totals as JSON
# (figures for docs/RELIABILITY.md). Usage: bench/fuzz.sh [TRIALS] [FIRST_SEED] [XML_TRIALS]
set -euo pipefail
cd "$(dirname "$0")/.."
trials="${1:-200}"
seed="${2:-1}"
xml_trials="${3:-$trials}"
report="$(mktemp -t phb-fuzz.XXXXXX.json)"
xml_report="$(mktemp -t phb-fuzz-xml.XXXXXX.json)"
start=$(date +%s)
mvn -o -q -B -Dstyle.color=never -pl jobs -am test -Dtest='IngestFuzzTest#everyCorrupted*+everyDamagedXml*' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dphb.fuzz.trials="$trials" -Dphb.fuzz.seed="$seed" -Dphb.fuzz.report="$report" \
  -Dphb.fuzz.xml.trials="$xml_trials" -Dphb.fuzz.xml.report="$xml_report" >&2
echo "{\"command\": \"bench/fuzz.sh $trials $seed $xml_trials\", \"seconds\": $(( $(date +%s) - start )), \"totals\": $(cat "$report"), \"xml_totals\": $(cat "$xml_report")}"
rm -f "$report" "$xml_report"

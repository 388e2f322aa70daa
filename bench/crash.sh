#!/usr/bin/env bash
# Crash safety: SIGKILLs each stage at random moments, re-runs it, and checks the lake ends identical to an
# undisturbed run (order-independent table digests, no duplicate rows, the same current model), the published
# report and extract too (bench/output_digest.py), that every table stays readable after every kill, and that no
# output folder is ever visible half-written. Then runs each stage twice at once, and
# scans the lake, outputs and stderr for leaked identifiers.
# Usage: bench/crash.sh [PEOPLE] [KILLS_PER_STAGE] [SEED]     (PHB=launcher overrides ./phb)
# On a busy machine: REFS=1 skips the second undisturbed run, CONCURRENT="ingest" limits the concurrent runs,
# INGEST_FEEDS=a,b limits ingest (and so every later stage) to those feeds, ONLY="ingest link" runs only those
# stages, REUSE_LANDING=1 keeps the last run's synthetic landing and keys.
# Prints one JSON object with the figures for docs/RELIABILITY.md; exit 1 when any check fails.
#
# Stages, in order: "name|phb arguments" (KEY is the lake key). Add a later stage with one line.
STAGES=(
  "ingest|ingest"
  "link|link --lake-key-file KEY"
  "features|features --as-of 2025-26Q4 --lake-key-file KEY"
  "train|train --as-of 2025-26Q4 --lake-key-file KEY"
  "score|score --as-of 2025-26Q4"
  "budget|budget --as-of 2025-26Q4 --lake-key-file KEY"
  "report|report --quarter 2025-26Q4 --lake-key-file KEY"
  "extract|extract --purpose planning --recipient icb-analytics --quarter 2025-26Q4 --lake-key-file KEY"
)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
people="${1:-1000}"; kills="${2:-3}"; seed="${3:-1}"
PHB="${PHB:-./phb}"
RANDOM=$seed
d="bench/results/crash"
if [[ -n ${REUSE_LANDING:-} && -d "$d/landing" ]]; then   # keep the synthetic landing and keys of the last run
  find "$d" -mindepth 1 -maxdepth 1 ! -name landing ! -name keys ! -name synth.json -exec rm -rf {} +
else
  rm -rf "$d"; mkdir -p "$d"
fi
if [[ -n ${ONLY:-} ]]; then   # ONLY="ingest link": the first stages only
  kept=(); for spec in "${STAGES[@]}"; do [[ " $ONLY " == *" ${spec%%|*} "* ]] && kept+=("$spec"); done; STAGES=("${kept[@]}")
fi
$PHB --version >/dev/null || exit 1
if [[ -n "${PHB_CP:-}" ]]; then cp_="$PHB_CP"; else cp_="cli/target/phb-cli-0.1.0-SNAPSHOT.jar:$(cat cli/target/launcher/classpath.txt)"; fi
flags="$(cat cli/target/launcher/jvm-flags.txt 2>/dev/null || cat "${PHB_FLAGS:-/dev/null}")"
digest() { # lake -> digest file (every table, and the current model's id); fails when a table cannot be read
  # shellcheck disable=SC2086
  java -Xmx2g $flags -cp "$cp_" bench/TableDigest.java "$1" > "$2" 2> "$2.err" || return 1
  [[ -f "$1/models/current" ]] && echo "models/current rows=1 distinct=1 digest=$(cat "$1/models/current")" >> "$2"
  return 0
}
if [[ ! -d "$d/landing" ]]; then
  $PHB keygen --out "$d/keys/provider.key" >/dev/null
  $PHB keygen --out "$d/keys/lake.key" >/dev/null
  $PHB synth --people "$people" --seed "$seed" --key-file "$d/keys/provider.key" --landing "$d/landing" --lake "$d/synth-lake" \
    --out "$d/synth-out" --json > "$d/synth.json" || exit 1
fi
args_of() { local a=${1#*|}; echo "${a//KEY/$d/keys/lake.key}"; }
extra_of() { [[ ${1%%|*} == ingest ]] && echo "--extract-date 2026-06-30${INGEST_FEEDS:+ --feeds $INGEST_FEEDS}"; }
stage() { # lake out spec -> runs the stage to completion, prints its exit code
  local lake=$1 out=$2 spec=$3
  # shellcheck disable=SC2046
  $PHB $(args_of "$spec") $(extra_of "$spec") --lake "$lake" --landing "$d/landing" --out "$out" --json > /dev/null 2>> "$d/stages.err"
}
incomplete_outputs() { # out folder -> lists any visible output folder lacking its files, or temp folders named as final
  local out=$1
  for f in "$out"/ingest/*/; do [[ -d $f && $(basename "$f") != .* ]] && { [[ -f $f/data_quality.csv && -f $f/data_quality.json ]] || echo "$f"; }; done
  for f in "$out"/link/*/; do [[ -d $f && $(basename "$f") != .* && $f != *.tmp-* ]] && { [[ -f $f/link_quality.json && -f $f/model.txt ]] || echo "$f"; }; done
  # a report or extract folder is published whole, manifest last: one without its manifest is half-written
  for f in "$out"/reports/*/ "$out"/extracts/*/*/*/; do [[ -d $f && $f != *.tmp-* && $f != *.old-* ]] && { [[ -f $f/manifest.json ]] || echo "$f"; }; done
}
outputs() { # out folder -> digest file of its published reports and extracts
  python3 bench/output_digest.py "$1" > "$2"
}

# two undisturbed runs: the reference, and a check that undisturbed runs agree
declare -A secs
refs=(ref1); [[ ${REFS:-2} -ge 2 ]] && refs+=(ref2)
for ref in "${refs[@]}"; do
  for spec in "${STAGES[@]}"; do
    t0=$(date +%s.%N)
    stage "$d/$ref-lake" "$d/$ref-out" "$spec" || { echo "reference $ref ${spec%%|*} failed" >&2; exit 1; }
    secs[${spec%%|*}]=$(echo "$(date +%s.%N) - $t0" | bc)
  done
  digest "$d/$ref-lake" "$d/$ref.digest" || { echo "digest of $ref failed" >&2; exit 1; }
  outputs "$d/$ref-out" "$d/$ref.outputs"
done
nondeterministic=null
[[ -f "$d/ref2.digest" ]] && nondeterministic=$(cat "$d/ref1.digest" "$d/ref1.outputs" | diff - <(cat "$d/ref2.digest" "$d/ref2.outputs") | grep -c '^<' || true)

# crash trials: for each stage, KILLS kills at random moments of a run, then one run to completion
kills_done=0; unreadable=0; half_written=0; kill_log=()
for spec in "${STAGES[@]}"; do
  name=${spec%%|*}
  max_ms=$(echo "${secs[$name]} * 1000 / 1" | bc)
  for ((k = 0; k < kills; k++)); do
    delay_ms=$(( RANDOM * 32768 % (max_ms > 0 ? max_ms : 1) ))
    # shellcheck disable=SC2046
    setsid $PHB $(args_of "$spec") $(extra_of "$spec") --lake "$d/crash-lake" --landing "$d/landing" --out "$d/crash-out" --json \
      > /dev/null 2>&1 &
    pid=$!
    sleep "$(echo "scale=3; $delay_ms / 1000" | bc)"
    kill -9 -- -"$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    kills_done=$((kills_done + 1)); kill_log+=("\"$name@${delay_ms}ms\"")
    if [[ -d "$d/crash-lake" ]]; then digest "$d/crash-lake" "$d/after-kill.digest" || { unreadable=$((unreadable + 1)); echo "unreadable after kill of $name at $delay_ms ms" >&2; }; fi
    bad=$(incomplete_outputs "$d/crash-out"); [[ -n $bad ]] && { half_written=$((half_written + 1)); echo "half-written: $bad" >&2; }
  done
  stage "$d/crash-lake" "$d/crash-out" "$spec" || { echo "re-run of $name after kills failed (see $d/stages.err)" >&2; exit 1; }
done
digest "$d/crash-lake" "$d/crash.digest" || { echo "digest of the crashed lake failed" >&2; exit 1; }
differing=$(diff "$d/ref1.digest" "$d/crash.digest" | grep -c '^<' || true)
outputs "$d/crash-out" "$d/crash.outputs"
outputs_compared=$(wc -l < "$d/ref1.outputs")
outputs_differing=$(diff "$d/ref1.outputs" "$d/crash.outputs" | grep -c '^<' || true)
duplicates=$(awk '{split($2,a,"="); split($3,b,"="); if (a[2] != b[2]) n++} END {print n+0}' "$d/crash.digest")

# two runs of each stage at once on the finished lake: each ends 0 or with a clear error (1/3), tables consistent
concurrent_failed=0; concurrent_unclear=0; concurrent_runs=0
for spec in "${STAGES[@]}"; do
  [[ " ${CONCURRENT:-${STAGES[*]%%|*}} " == *" ${spec%%|*} "* ]] || continue
  concurrent_runs=$((concurrent_runs + 2))
  # shellcheck disable=SC2046
  $PHB $(args_of "$spec") $(extra_of "$spec") --lake "$d/crash-lake" --landing "$d/landing" --out "$d/crash-out" --json > "$d/c1.json" 2> "$d/c1.err" & p1=$!
  # shellcheck disable=SC2046
  $PHB $(args_of "$spec") $(extra_of "$spec") --lake "$d/crash-lake" --landing "$d/landing" --out "$d/crash-out" --json > "$d/c2.json" 2> "$d/c2.err" & p2=$!
  wait $p1; e1=$?; wait $p2; e2=$?
  for e in $e1 $e2; do [[ $e -ne 0 ]] && concurrent_failed=$((concurrent_failed + 1)); done
  for i in 1 2; do
    e=$([[ $i == 1 ]] && echo $e1 || echo $e2)
    if [[ $e -ne 0 && ( $e -ne 3 && $e -ne 1 || $(wc -l < "$d/c$i.err") -gt 3 ) ]]; then concurrent_unclear=$((concurrent_unclear + 1)); cat "$d/c$i.err" >&2; fi
  done
  [[ $e1 -ne 0 && $e2 -ne 0 ]] && { echo "both concurrent ${spec%%|*} runs failed" >&2; concurrent_unclear=$((concurrent_unclear + 1)); }
done
digest "$d/crash-lake" "$d/concurrent.digest" || { echo "digest after concurrent runs failed" >&2; exit 1; }
concurrent_differing=$(diff "$d/ref1.digest" "$d/concurrent.digest" | grep -c '^<' || true)

# the leak scanner over the crashed lake, its outputs and the stages' stderr: nothing may be found
$PHB audit --scan-for-identifiers "$d/crash-lake" "$d/crash-out" "$d/stages.err" --lake "$d/crash-lake" --landing "$d/landing" \
  --keys "$d/keys" --json > "$d/scan.json" 2> "$d/scan.err"
found=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["found"])' "$d/scan.json" 2>/dev/null || echo -1)

tables=$(wc -l < "$d/ref1.digest")
ok=$([[ $found -eq 0 && $differing -eq 0 && $outputs_differing -eq 0 && $duplicates -eq 0 && $unreadable -eq 0 && $half_written -eq 0 && $concurrent_differing -eq 0 && $concurrent_unclear -eq 0 ]] && echo true || echo false)
cat <<JSON
{"command": "REFS=${REFS:-2} CONCURRENT='${CONCURRENT:-all}' ONLY='${ONLY:-}' INGEST_FEEDS='${INGEST_FEEDS:-}' bench/crash.sh $people $kills $seed", "people": $people, "stages": $(printf '"%s",' "${STAGES[@]%%|*}" | sed 's/,$//;s/^/[/;s/$/]/'),
 "tables": $tables, "kills": $kills_done, "kill_points": [$(IFS=,; echo "${kill_log[*]}")],
 "tables_differing_after_crash_and_rerun": $differing, "tables_with_duplicate_rows": $duplicates,
 "output_files_compared": $outputs_compared, "output_files_differing_after_crash_and_rerun": $outputs_differing,
 "unreadable_after_kill": $unreadable, "half_written_outputs_visible": $half_written,
 "undisturbed_runs_differing_tables": $nondeterministic,
 "concurrent_runs": $concurrent_runs, "concurrent_runs_failed_cleanly": $concurrent_failed,
 "concurrent_runs_failed_unclearly": $concurrent_unclear, "tables_differing_after_concurrent_runs": $concurrent_differing,
 "identifiers_found": $found, "passed": $ok}
JSON
[[ $ok == true ]]

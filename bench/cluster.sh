#!/usr/bin/env bash
# Proves the batch runs on a real Spark cluster: starts a Spark standalone master and two workers on
# loopback (from the Spark jars the build already has), submits `phb run` to it with spark-submit and the
# shaded cluster jar, runs the same batch embedded on the same landing files, and checks that every lake
# table (phb lake-diff), the current model's id and every published report and extract file
# (bench/output_digest.py) are equal. Exit 0 only when they are.
#
# Usage: bench/cluster.sh [PEOPLE]   (default 2000; work folder bench/results/cluster-PEOPLE, removed first)
#        bench/cluster.sh --against DEMO_DIR QUARTER EXTRACT_DATE
#   runs only the cluster batch, on the landing and keys of a folder `./phb demo` made (before anything else has
#   written to it), and compares with the demo's own lake and outputs: the demo is the embedded run (phb run --evaluate,
#   the quarter and extract date its second step prints). Work folder bench/results/cluster-demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
against=""
if [[ "${1:-}" == "--against" ]]; then
  against="$(cd "${2:?usage: bench/cluster.sh --against DEMO_DIR QUARTER EXTRACT_DATE}" && pwd)"
  quarter="${3:?usage: bench/cluster.sh --against DEMO_DIR QUARTER EXTRACT_DATE}"
  extract_date="${4:?usage: bench/cluster.sh --against DEMO_DIR QUARTER EXTRACT_DATE}"
  people=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["people"])' "$against/landing/_truth/synth_settings.json" 2>/dev/null || echo "?")
  d="$root/bench/results/cluster-demo"
else
  people=${1:-2000}
  quarter=2025-26Q4
  extract_date=2026-11-01
  d="$root/bench/results/cluster-$people"
fi
rm -rf "$d"; mkdir -p "$d"

./phb --version >/dev/null   # builds the launcher and the cluster jar
jar=$(ls "$root"/cli/target/phb-cli-*-cluster.jar)
flags="$(cat cli/target/launcher/jvm-gc.txt) $(cat cli/target/launcher/jvm-flags.txt)"

# A SPARK_HOME holding the cluster's jars: Spark, Delta, Hadoop, Scala and their dependencies, but none of
# ours and none of the libraries the cluster jar must bring itself (picocli, Commons Math, Smile).
spark_home="$d/spark-home"
mkdir -p "$spark_home/jars" "$spark_home/conf"
tr ':' '\n' < cli/target/launcher/classpath.txt | grep -vE '/(uk/nhs/phb|info/picocli|com/github/haifengl)/|/phb-[a-z]+(/|-[0-9][^/]*\.jar$)|target/classes' \
  | while read -r j; do ln -sf "$j" "$spark_home/jars/$(basename "$j")"; done
export SPARK_HOME="$spark_home"
# A worker builds each executor's command line with Spark's launcher, which asks a source build for its Scala
# version unless told; a binary distribution has no build directories.
export SPARK_SCALA_VERSION=2.13
cp="$spark_home/jars/*"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

echo "cluster: master on spark://127.0.0.1:$port, two workers (1 core, 1500 MiB each)" >&2
# shellcheck disable=SC2086
java $flags -Xmx512m -cp "$cp" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0 \
  > "$d/master.log" 2>&1 &
pids+=($!)
for w in 1 2; do
  # shellcheck disable=SC2086
  SPARK_WORKER_DIR="$d/worker-$w" java $flags -Xmx512m -cp "$cp" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --cores 1 --memory 1500m --webui-port 0 --work-dir "$d/worker-$w" "spark://127.0.0.1:$port" > "$d/worker-$w.log" 2>&1 &
  pids+=($!)
done
for _ in $(seq 1 60); do
  [ "$(grep -l "Successfully registered with master" "$d"/worker-*.log 2>/dev/null | wc -l)" = 2 ] && break
  sleep 1
done
[ "$(grep -l "Successfully registered with master" "$d"/worker-*.log 2>/dev/null | wc -l)" = 2 ] \
  || { echo "cluster: the workers did not register with the master; see $d/*.log" >&2; exit 1; }

if [[ -n "$against" ]]; then
  # the demo ran the batch embedded, with --evaluate and every step forced
  ln -s "$against/landing" "$d/landing"; ln -s "$against/keys" "$d/keys"
  ln -s "$against/lake" "$d/lake-embedded"; ln -s "$against/out" "$d/out-embedded"
  common=(run --quarter "$quarter" --extract-date "$extract_date" --evaluate --force --landing "$d/landing"
    --lake-key-file "$d/keys/lake.key" --json)
  t0=$(date +%s.%N); t1=$t0
else
  ./phb keygen --out "$d/keys/provider.key" >/dev/null
  ./phb keygen --out "$d/keys/lake.key" >/dev/null
  ./phb synth --people "$people" --seed 7 --key-file "$d/keys/provider.key" --landing "$d/landing" --lake "$d/synth-lake" --json > "$d/synth.json"

  common=(run --quarter "$quarter" --extract-date "$extract_date" --landing "$d/landing" --lake-key-file "$d/keys/lake.key" --json)
  t0=$(date +%s.%N)
  ./phb "${common[@]}" --lake "$d/lake-embedded" --out "$d/out-embedded" > "$d/embedded.json"
  t1=$(date +%s.%N)
fi
# The driver runs here (client mode); executors run in the workers' JVMs with the shaded jar shipped by spark-submit.
# shellcheck disable=SC2086
java $flags -Xmx2g -cp "$cp" org.apache.spark.deploy.SparkSubmit \
  --master "spark://127.0.0.1:$port" --deploy-mode client \
  --conf "spark.executor.extraJavaOptions=$flags" --conf spark.executor.memory=1g --conf spark.executor.cores=1 \
  --conf spark.sql.shuffle.partitions=8 \
  --class uk.nhs.phb.cli.Main "$jar" \
  "${common[@]}" --lake "$d/lake-cluster" --out "$d/out-cluster" > "$d/cluster.json" 2> "$d/cluster.err" \
  || { echo "cluster: the submitted batch failed; last lines of $d/cluster.err:" >&2; tail -20 "$d/cluster.err" >&2; exit 1; }
t2=$(date +%s.%N)
executors=$(grep -h "Granted executor\|Launching executor" "$d"/master.log "$d"/worker-*.log | wc -l)

# a model id names the model's inputs, so the two lakes must have trained the same model under the same id
./phb lake-diff "$d/lake-embedded" "$d/lake-cluster" --json > "$d/diff.json" && same=yes || same=no
python3 bench/output_digest.py "$d/out-embedded" > "$d/outputs-embedded.txt"
python3 bench/output_digest.py "$d/out-cluster" > "$d/outputs-cluster.txt"
# prints the comparison; exits 1 unless the tables, the model and every output file are equal
python3 - "$d" "$people" "$t0" "$t1" "$t2" "$executors" "$same" <<'PY'
import json, sys
d, people, t0, t1, t2, executors, same = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6]), int(sys.argv[6]), sys.argv[7]
models = [open(f"{d}/lake-{k}/models/current").read().strip() for k in ("embedded", "cluster")]
outputs = [dict(l.rsplit(" ", 1) for l in open(f"{d}/outputs-{k}.txt").read().splitlines()) for k in ("embedded", "cluster")]
differing_outputs = sorted(f for f in outputs[0].keys() | outputs[1].keys() if outputs[0].get(f) != outputs[1].get(f))
diff = json.load(open(f"{d}/diff.json"))
steps = json.load(open(f"{d}/cluster.json"))["steps"]
print(f"cluster: {int(people):,} people" if people.isdigit() else f"cluster: {people} people", end="")
print(f"; embedded batch {t1-t0:.0f} s{' (the demo)' if t1 == t0 else ''}, cluster batch {t2-t1:.0f} s on 2 workers "
      f"({executors} executor launches); steps {', '.join(k + ':' + v['status'] for k, v in steps.items())}")
print(f"cluster: {diff['tables']} tables compared, {diff['differing']} differ -> {'EQUAL' if same == 'yes' else 'DIFFERENT'}")
for t, m in diff["by_table"].items():
    if not m["equal"]:
        print(f"  {t}: {m['rows_a']} vs {m['rows_b']} rows, {m['note']}")
print(f"cluster: current model {models[0]} embedded, {models[1]} on the cluster -> {'EQUAL' if models[0] == models[1] else 'DIFFERENT'}")
print(f"cluster: {len(outputs[0])} report and extract files compared, {len(differing_outputs)} differ"
      + "".join(f"\n  {f}" for f in differing_outputs))
sys.exit(0 if same == "yes" and models[0] == models[1] and not differing_outputs else 1)
PY

#!/usr/bin/env python3
"""Where a JVM's CPU went, from a Java Flight Recorder file: a test JVM, or a phb step.

Record:  mvn -B verify "-Djvm.gc=-XX:+UseParallelGC -XX:FlightRecorderOptions:stackdepth=2048 \\
             -XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile"
         PHB_JAVA_OPTS="-XX:FlightRecorderOptions:stackdepth=2048 -XX:StartFlightRecording=filename=/tmp/jfr/,settings=profile" ./phb ...
Read:    python3 bench/jfr_profile.py FILE.jfr                 samples by kind of work, the busiest threads, and the
                                                               phb methods the main thread spent its samples under
         python3 bench/jfr_profile.py FILE.jfr --under NAME    every frame under methods whose name holds NAME

A sample's kind is that of its innermost frame in a known package (Java serialisation, Janino compilation, Spark's
analyser, optimiser and planner, Delta, Parquet, Smile, phb ...). Stack depth must be deep enough to reach the
root (JFR keeps 64 frames unless told otherwise), or serialisation's recursion hides who asked for it.
"""
import collections, subprocess, sys

KINDS = [
    ("java serialisation", ("java.io.ObjectInputStream", "java.io.ObjectOutputStream", "JavaSerializer")),
    ("janino compile", ("org.codehaus.janino", "org.codehaus.commons.compiler", "CodeGenerator$.doCompile")),
    ("code generation", ("catalyst.expressions.codegen",)),
    ("spark optimiser", ("catalyst.optimizer", "catalyst.rules.RuleExecutor")),
    ("spark analyser", ("catalyst.analysis",)),
    ("spark planner", ("execution.SparkStrategies", "QueryPlanner", "execution.adaptive")),
    ("delta", ("org.apache.spark.sql.delta", "io.delta")),
    ("parquet", ("org.apache.parquet",)),
    ("csv", ("univocity", "commons.csv")),
    ("smile", ("smile.",)),
    ("pdf", ("openhtmltopdf", "pdfbox")),
    ("phb", ("uk.nhs.phb",)),
    ("spark tasks and scheduling", ("org.apache.spark.scheduler", "org.apache.spark.executor")),
]


def samples(path):
    """(thread, [frames from the innermost]) of every jdk.ExecutionSample."""
    text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "2048", path],
                          capture_output=True, text=True, check=True).stdout
    thread, stack, inside = None, [], False
    for line in text.splitlines():
        if line.startswith("jdk.ExecutionSample"):
            if stack:
                yield thread, stack
            thread, stack, inside = None, [], False
        elif "sampledThread = " in line:
            thread = line.split("=", 1)[1].strip().split(" (")[0].strip('"')
        elif "stackTrace = [" in line:
            inside = True
        elif inside:
            s = line.strip()
            if s.startswith("]"):
                inside = False
            elif s and s != "...":
                stack.append(s.split("(")[0])
    if stack:
        yield thread, stack


def kind(stack):
    for frame in stack:
        for name, marks in KINDS:
            if any(m in frame for m in marks):
                return name
    return "other"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    under = sys.argv[sys.argv.index("--under") + 1] if "--under" in sys.argv else None
    kinds, threads, phb, below = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
    total = matched = 0
    for thread, stack in samples(path):
        total += 1
        kinds[kind(stack)] += 1
        threads[thread] += 1
        if under:
            if any(under in f for f in stack):
                matched += 1
                for f in set(stack):
                    below[f] += 1
        elif thread == "main":
            for f in {f for f in stack if f.startswith("uk.nhs.phb")}:
                phb[f] += 1
    if under:
        print(f"{matched} of {total} samples under {under}")
        for f, n in below.most_common(80):
            print(f"{n:7d}  {f}")
        return
    print(f"{total} samples")
    for k, n in kinds.most_common():
        print(f"{n:7d} {100 * n / total:5.1f}%  {k}")
    print("busiest threads")
    for t, n in threads.most_common(6):
        print(f"{n:7d}  {t}")
    print("phb methods on the main thread (samples under each)")
    for f, n in phb.most_common(30):
        print(f"{n:7d}  {f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Where a phb step's time goes, from a Spark event log (spark.eventLog.enabled=true).

Usage: PHB_JAVA_OPTS="-Dspark.eventLog.enabled=true -Dspark.eventLog.dir=file:///tmp/evlog" ./phb STEP ...
       python3 bench/spark_profile.py /tmp/evlog/eventlog_v2_local-... [--top N]

Prints the wall time of every Spark job grouped by the stage phb labelled it with (JobRun.stage) and the line of phb
code that started it, the number of jobs and tasks, and the time between jobs (driver work: planning, Delta log
reads, code generation) that no job accounts for.
"""
import json, os, sys, collections

def events(path):
    files = sorted(os.path.join(path, f) for f in os.listdir(path)) if os.path.isdir(path) else [path]
    for f in files:
        if os.path.basename(f).startswith("appstatus"):
            continue
        with open(f) as fh:
            for line in fh:
                yield json.loads(line)

def main():
    path = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
    jobs = {}
    app_start = app_end = None
    for e in events(path):
        kind = e["Event"]
        if kind == "SparkListenerApplicationStart":
            app_start = e["Timestamp"]
        elif kind == "SparkListenerApplicationEnd":
            app_end = e["Timestamp"]
        elif kind == "SparkListenerJobStart":
            props = e.get("Properties") or {}
            infos = e.get("Stage Infos", [])
            final = max(infos, key=lambda i: i["Stage ID"]) if infos else {}
            site = props.get("callSite.short") or final.get("Stage Name", "?")
            desc = props.get("spark.job.description") or ""
            tasks = final.get("Number of Tasks", 0)
            jobs[e["Job ID"]] = {"start": e["Submission Time"], "desc": desc, "site": site, "tasks": tasks, "stages": len(infos)}
        elif kind == "SparkListenerJobEnd":
            jobs[e["Job ID"]]["end"] = e["Completion Time"]
    done = [j for j in jobs.values() if "end" in j]
    by = collections.defaultdict(lambda: [0, 0.0, 0])
    busy = []
    for j in done:
        k = (j["desc"].split(": ", 1)[-1] if j["desc"] else "-", j["site"])
        by[k][0] += 1
        by[k][1] += (j["end"] - j["start"]) / 1000
        by[k][2] += j["tasks"]
        busy.append((j["start"], j["end"]))
    busy.sort()
    covered, cur_s, cur_e = 0.0, None, None
    for s, t in busy:
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                covered += cur_e - cur_s
            cur_s, cur_e = s, t
        else:
            cur_e = max(cur_e, t)
    if cur_e is not None:
        covered += cur_e - cur_s
    total = ((app_end or (busy[-1][1] if busy else 0)) - (app_start or (busy[0][0] if busy else 0))) / 1000
    print(f"application {total:.1f} s; {len(done)} Spark jobs, {sum(j['tasks'] for j in done)} tasks; "
          f"jobs running {covered / 1000:.1f} s, between jobs (driver) {total - covered / 1000:.1f} s")
    by_stage = collections.defaultdict(lambda: [0, 0.0])
    for (stage, _), (n, secs, _) in by.items():
        by_stage[stage][0] += n
        by_stage[stage][1] += secs
    print("\nby phb stage:  jobs  seconds")
    for stage, (n, secs) in sorted(by_stage.items(), key=lambda kv: -kv[1][1]):
        print(f"  {stage[:60]:60s} {n:5d} {secs:8.1f}")
    print(f"\ntop {top} call sites:  jobs  tasks  seconds")
    for (stage, site), (n, secs, tasks) in sorted(by.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"  {stage[:32]:32s} {site[:48]:48s} {n:4d} {tasks:6d} {secs:7.1f}")

if __name__ == "__main__":
    main()

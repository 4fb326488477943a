#!/usr/bin/env python3
"""The commit stage alone, on a real output tree: StagedOutput() + commit() of an edit that
writes K files and keeps every other one, as the pipeline claims them. Run it several times on
a COPY of a built output/ (it edits K files a run), alternating two checkouts, e.g.

    cp -a SITE/output /tmp/a/output; cp -a SITE/output /tmp/b/output
    for r in 0 1 2 3; do PYTHONPATH=CODE_A python tests/perf/commit_bench.py /tmp/a/output $r 80
                         PYTHONPATH=CODE_B python tests/perf/commit_bench.py /tmp/b/output $r 80; done

With a spare the first two runs are a full staging and a full sweep; from the third on, the
steady state. bg_threads: waiting for a discarded spare's removal (a process waits at exit).
"""
import inspect, json, os, sys, threading, time
from pathlib import Path
from site_builder.build import writer

out = Path(sys.argv[1]); run = int(sys.argv[2]); k = int(sys.argv[3])
paths = []
for folder, dirs, names in os.walk(out):
    rel = os.path.relpath(folder, out)
    paths += [n if rel == "." else f"{rel}/{n}" for n in names]
paths.sort()
step = max(1, len(paths) // k)
edited = set(paths[run::step][:k])
t0 = time.perf_counter()
outputs = writer.OutputSet()
for p in paths:
    if p in edited:
        outputs.add(p, (out / p).read_bytes() + b"<!-- edit %d -->" % run, "bench")
    else:
        outputs.keep(p, "x", "bench", 0)
t1 = time.perf_counter()
staged = writer.StagedOutput(out)
t2 = time.perf_counter()
if len(inspect.signature(writer.StagedOutput.commit).parameters) > 2:
    staged.commit(outputs, paths)
else:
    staged.commit(outputs)
t3 = time.perf_counter()
for th in threading.enumerate():
    if th is not threading.main_thread():
        th.join()
t4 = time.perf_counter()
print(json.dumps({"files": len(paths), "written": len(edited), "init": round(t2 - t1, 3),
                  "commit": round(t3 - t2, 3), "stage_total": round(t3 - t1, 3), "bg_threads": round(t4 - t3, 3)}))

#!/usr/bin/env python3
"""summary.py RESULT.json LABEL... : wall time (mean, min) and CPU time (user+sys) per command, and each
command's ratio to the first (gate). CPU time is printed because wall time on a busy 2-core machine
mostly measures the other processes."""
import json
import sys

results = json.load(open(sys.argv[1]))["results"]
labels = sys.argv[2:]
width = max(len(l) for l in labels)
g = results[0]
print(f"{'command'.ljust(width)}  {'mean':>9}  {'min':>9}  {'user+sys':>9}  {'wall/gate':>9}  {'cpu/gate':>8}")
for label, r in zip(labels, results):
    cpu, gcpu = r["user"] + r["system"], g["user"] + g["system"]
    print(f"{label.ljust(width)}  {r['mean'] * 1000:7.1f}ms  {r['min'] * 1000:7.1f}ms  {cpu * 1000:7.1f}ms  "
          f"{r['mean'] / g['mean']:9.2f}  {cpu / gcpu:8.2f}")

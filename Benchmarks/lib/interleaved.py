#!/usr/bin/env python3
"""Time commands round-robin: one run of each, then the next round, so that the machine's drift (another
tenant, the page cache, a CPU clocking down) lands on every command alike instead of on whichever ran
during it. Prints one row per command (median, mean, min over the rounds) and the ratio of medians
against a baseline, and writes the raw times as JSON.

interleaved.py --rounds R --warmup W --json OUT --base INDEX --label L1 --label L2 ... -- CMD1 -- CMD2 ...
Each CMD is run through /bin/sh -c with its output discarded; a command that fails stops the benchmark.
"""
import json
import statistics
import subprocess
import sys
import time


def parse(argv):
    opts = {"rounds": 15, "warmup": 3, "json": None, "base": 0, "labels": []}
    i = 0
    while i < len(argv) and argv[i] != "--":
        key, value = argv[i], argv[i + 1]
        if key == "--label":
            opts["labels"].append(value)
        elif key in ("--rounds", "--warmup", "--base"):
            opts[key[2:]] = int(value)
        elif key == "--json":
            opts["json"] = value
        else:
            sys.exit(f"interleaved.py: unknown option {key}")
        i += 2
    commands, current = [], None
    for arg in argv[i:]:
        if arg == "--":
            current = []
            commands.append(current)
        else:
            current.append(arg)
    commands = [" ".join(c) for c in commands if c]
    if not commands:
        sys.exit("interleaved.py: no commands (put each after --)")
    labels = opts["labels"] + commands[len(opts["labels"]):]
    return opts, commands, labels


def once(command):
    start = time.perf_counter()
    done = subprocess.run(["/bin/sh", "-c", command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"interleaved.py: '{command}' exited {done.returncode}: {done.stderr.decode(errors='replace')[-500:]}")
    return elapsed


def main():
    opts, commands, labels = parse(sys.argv[1:])
    for _ in range(opts["warmup"]):
        for c in commands:
            once(c)
    times = [[] for _ in commands]
    for _ in range(opts["rounds"]):
        for k, c in enumerate(commands):
            times[k].append(once(c))
    medians = [statistics.median(t) for t in times]
    base = medians[opts["base"]]
    width = max(len(l) for l in labels)
    print(f"{'command'.ljust(width)}  {'median':>9}  {'mean':>9}  {'min':>9}  {'ratio':>6}")
    for label, t, m in zip(labels, times, medians):
        print(f"{label.ljust(width)}  {m * 1000:8.1f}ms  {statistics.mean(t) * 1000:8.1f}ms  "
              f"{min(t) * 1000:8.1f}ms  {m / base:6.2f}")
    if opts["json"]:
        with open(opts["json"], "w") as f:
            json.dump({"rounds": opts["rounds"], "results": [
                {"label": l, "command": c, "times": t, "median": m} for l, c, t, m in zip(labels, commands, times, medians)
            ]}, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Summarise a hyperfine --export-json file: one row per command and ratios against a baseline.

hyperfine_summary.py RESULT.json BASELINE_INDEX [LABEL...]
"""
import json
import sys


def main():
    data = json.load(open(sys.argv[1]))["results"]
    base = int(sys.argv[2])
    labels = sys.argv[3:] or [r["command"] for r in data]
    width = max(len(l) for l in labels)
    print(f"{'command'.ljust(width)}  {'mean':>9}  {'stddev':>8}  {'min':>9}  {'ratio':>6}")
    for label, r in zip(labels, data):
        ratio = r["mean"] / data[base]["mean"]
        print(f"{label.ljust(width)}  {r['mean'] * 1000:8.1f}ms  {r['stddev'] * 1000:7.1f}ms  "
              f"{r['min'] * 1000:8.1f}ms  {ratio:6.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Scores secret scanners on the labelled peer corpus (build.py), per file.

score_peers.py LABELS RUNS.json [MISSES_DIR]

RUNS.json lists {"tool", "format", "output", "root"} (formats as in ../score.py). A positive file with at
least one finding is a hit; a negative file with any finding is a false positive. Prints recall and
precision per source and overall, tools side by side. With MISSES_DIR, writes each tool's missed and
falsely flagged files there (one path per line, with the family), for looking at what to fix.
"""
import collections
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from score import findings  # noqa: E402


def flagged_paths(run):
    found = findings(run["format"], run["output"], run["root"])
    return None if found is None else {os.path.normpath(p) for p, _, _ in found}


def main():
    labels = [json.loads(l) for l in open(sys.argv[1])]
    runs = json.load(open(sys.argv[2]))
    misses_dir = sys.argv[3] if len(sys.argv) > 3 else None
    sources = sorted({l["source"] for l in labels}, key=["gitleaks", "trufflehog", "detect-secrets"].index)
    table = {}
    for run in runs:
        flagged = flagged_paths(run)
        if flagged is None:
            print(f"  {run['tool']}: no output ({run['output']}); left out")
            continue
        counts = collections.defaultdict(collections.Counter)
        missed, wrong = [], []
        for l in labels:
            hit = l["path"] in flagged
            for key in (l["source"], "all"):
                counts[key]["pos" if l["positive"] else "neg"] += 1
                if hit:
                    counts[key]["tp" if l["positive"] else "fp"] += 1
            if l["positive"] and not hit:
                missed.append(l)
            elif hit and not l["positive"]:
                wrong.append(l)
        table[run["tool"]] = counts
        if misses_dir:
            os.makedirs(misses_dir, exist_ok=True)
            for name, rows in (("missed", missed), ("false-positives", wrong)):
                with open(os.path.join(misses_dir, f"{run['tool']}-{name}.txt"), "w") as f:
                    for l in rows:
                        f.write(f"{l['source']}\t{l['family']}\t{l['path']}\n")
    if not table:
        return
    tools = list(table)
    width = max(22, *(len(t) + 6 for t in tools))
    print(f"\n{'source':<16} {'files':>6} {'pos':>6}  " + "  ".join(f"{t + ' R / P':>{width}}" for t in tools))
    for key in sources + ["all"]:
        c0 = table[tools[0]][key]
        cells = []
        for t in tools:
            c = table[t][key]
            recall = c["tp"] / c["pos"] if c["pos"] else 0.0
            flagged = c["tp"] + c["fp"]
            precision = c["tp"] / flagged if flagged else 1.0
            cells.append(f"{recall:10.3f} / {precision:9.3f}")
        print(f"{key:<16} {c0['pos'] + c0['neg']:>6} {c0['pos']:>6}  " + "  ".join(f"{c:>{width}}" for c in cells))
    if "gate" in table and "kingfisher" in table:
        g, k = table["gate"], table["kingfisher"]
        behind = [s for s in sources if g[s]["tp"] < k[s]["tp"]]
        fp = g["all"]["fp"]
        r = g["all"]["tp"] / g["all"]["pos"]
        p = g["all"]["tp"] / max(1, g["all"]["tp"] + fp)
        print(f"\ngate: recall {r:.3f} (target >= 0.90), precision {p:.3f} (target >= 0.98), "
              f"{fp} false positives; sources where kingfisher finds more: {', '.join(behind) or 'none'}")


if __name__ == "__main__":
    main()

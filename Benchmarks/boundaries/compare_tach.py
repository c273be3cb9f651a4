#!/usr/bin/env python3
"""Compare gate's direct-mode findings with tach's diagnostics on the same boundaries.

compare_tach.py TREE GATE_REPORT.json TACH_OUTPUT.json

tach reports each imported name on its own line; gate (like import-linter) reports the line where
the import statement starts. Both are mapped to the statement's first line before comparing the sets
of violating imports (file, line). Exit 1 when they differ.
"""
import json
import os
import sys


def statement_line(tree, path, line, cache={}):
    """The first line of the import statement that holds `line` (for `from x import (\\n a,\\n b)`)."""
    if path not in cache:
        with open(os.path.join(tree, path), encoding="utf-8") as f:
            cache[path] = f.read().split("\n")
    lines = cache[path]
    k = line
    while k > 1 and not lines[k - 1].lstrip().startswith(("from ", "import ")):
        k -= 1
    return k


def main():
    tree, gate_report, tach_output = sys.argv[1:4]
    gate = set()
    for f in json.load(open(gate_report))["checks"][0]["findings"]:
        if f["severity"] == "error" and f.get("path"):
            gate.add((f["path"], f["line"]))
    tach, kinds = set(), {}
    for d in json.load(open(tach_output)):
        loc = d.get("Located")
        if not loc or loc.get("severity") != "Error":
            continue
        kind = next(iter(loc["details"]["Code"]))
        kinds[kind] = kinds.get(kind, 0) + 1
        tach.add((loc["file_path"], statement_line(tree, loc["file_path"], loc["line_number"])))
    print(f"tach: {sum(kinds.values())} diagnostics ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))}) "
          f"in {len(tach)} import statements; gate: {len(gate)} direct violations")
    for label, diff in [("only tach", tach - gate), ("only gate", gate - tach)]:
        for item in sorted(diff)[:10]:
            print(f"    {label}: {item[0]}:{item[1]}")
    same = tach == gate
    print("violation sets agree" if same else "violation sets DIFFER")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()

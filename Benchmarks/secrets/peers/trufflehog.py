"""Labelled examples from trufflehog's detector pattern tests (pkg/detectors/**/*_test.go).

A pattern test is a table of rows `{name: ..., input: ..., want: []string{...}}`: the detector must find
exactly `want` in `input`. A row whose `want` is empty or nil is a negative. Integration tests (which call
the real services) are left out. Package-level variables and constants of the detector's directory
(test and non-test files) are visible to the rows, as they are to Go.
"""
import posixpath
import zlib

from gosource import Evaluator, Package, Struct, Unknown, assignments, parse_expr, split_statements
from regen import Generator

ROOT = "pkg/detectors/"
INPUT_FIELDS = ("input", "data")
WANT_FIELDS = ("want", "wantResults", "expected", "wantSecrets")


def rows(value):
    """Struct rows inside an evaluated value (a list of rows, or a map of name -> row)."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, Struct)]
    if isinstance(value, dict):
        return [v for _, v in sorted(value.items(), key=lambda kv: str(kv[0])) if isinstance(v, Struct)]
    return []


def label(row):
    """True (the row expects findings), False (it expects none), or None (cannot tell)."""
    for field in WANT_FIELDS:
        if not row.has(field):
            continue
        try:
            want = row.get(field)
        except Unknown:
            node = row.fields[field]
            # `[]detectors.Result{{...}}` with elements we cannot evaluate still says "some".
            if node[0] == "lit":
                return bool(node[2])
            return None
        if want is None:
            return False
        if isinstance(want, (list, dict, str)):
            return len(want) > 0
        if isinstance(want, Struct):
            return bool(want.fields)
        return None
    if row.has("shouldMatch"):
        try:
            return bool(row.get("shouldMatch"))
        except Unknown:
            return None
    return None


def examples(repo):
    files = [f for f in repo.ls(ROOT) if f.endswith(".go")]
    by_dir = {}
    for f in files:
        by_dir.setdefault(posixpath.dirname(f), []).append(f)
    stats = {"tests": 0, "skipped": 0}
    gen = Generator(0)
    for d in sorted(by_dir):
        tests = [f for f in by_dir[d] if f.endswith("_test.go") and "integration" not in f]
        if not tests or d + "/" == ROOT:
            continue
        family = d[len(ROOT):]
        sources = {f: repo.read(f) for f in by_dir[d]}
        try:
            pkg = Package(sources.values())
        except Exception:  # a file the tokenizer cannot read: skip the detector, say so
            stats["skipped"] += 1
            continue
        ev = Evaluator(pkg, {"secrets.NewSecret": gen.generate})
        gen.rng.seed(zlib.crc32(family.encode()))
        for name in sorted(pkg.funcs):
            if not name.startswith("Test"):
                continue
            params, bs, be, toks = pkg.funcs[name]
            scope = {}
            for s, e in split_statements(toks, bs, be):
                for target, start, end in assignments(toks, s, e):
                    try:
                        scope[target] = ev.eval(parse_expr(toks, start, end), scope)
                    except Unknown:
                        scope.pop(target, None)
                        continue
                    for row in rows(scope[target]):
                        field = next((f for f in INPUT_FIELDS if row.has(f)), None)
                        if field is None:
                            continue
                        stats["tests"] += 1
                        positive = label(row)
                        try:
                            text = row.get(field)
                        except Unknown:
                            text = None
                        if positive is None or not isinstance(text, str):
                            stats["skipped"] += 1
                            continue
                        yield {"family": family, "text": text, "file": "input.txt", "positive": positive}
    stats["skipped"] += 0
    examples.stats = stats

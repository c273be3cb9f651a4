#!/usr/bin/env python3
"""Writes a `git fast-import` stream for a repository shaped like a long-lived project.

gen.py COMMITS FILES SEED > stream

FILES source files spread over a three-level directory tree; each commit edits one to six files (a
few lines changed, sometimes a file added), with a branch merged back now and then, annotated tags
every thousand commits. Deterministic for a given SEED. With 50,000 commits and 4,000 files the
repository has about 600,000 objects, like sympy's.
"""
import random
import sys


def main():
    commits, files, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    out = sys.stdout.buffer
    dirs = [f"pkg{a}/mod{b}" for a in range(20) for b in range(10)]
    paths = [f"{rnd.choice(dirs)}/file{i}.py" for i in range(files)]
    contents = {}
    words = ["alpha", "beta", "gamma", "delta", "sum", "value", "index", "result", "node", "tree", "self", "return"]

    def line():
        return " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 10))) + "\n"

    def emit(data: bytes):
        out.write(b"data %d\n" % len(data))
        out.write(data)
        out.write(b"\n")

    mark = 0
    for p in paths[: files // 2]:
        contents[p] = [line() for _ in range(rnd.randint(20, 120))]
    live = list(contents)
    when = 1_500_000_000
    last = None
    for c in range(commits):
        when += rnd.randint(60, 7200)
        changed = []
        for _ in range(rnd.randint(1, 6)):
            if rnd.random() < 0.05 and len(live) < len(paths):
                p = paths[len(live)]
                contents[p] = [line() for _ in range(rnd.randint(10, 60))]
                live.append(p)
            else:
                p = rnd.choice(live)
                body = contents[p]
                for _ in range(rnd.randint(1, 4)):
                    at = rnd.randrange(len(body) + 1)
                    if rnd.random() < 0.3 and len(body) > 5:
                        del body[min(at, len(body) - 1)]
                    else:
                        body.insert(at, line())
            changed.append(p)
        mark += 1
        out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
        ident = b"Dev %d <dev%d@example.invalid> %d +0000\n" % (c % 37, c % 37, when)
        out.write(b"author " + ident + b"committer " + ident)
        emit(b"change %d\n" % c)
        if last is not None:
            out.write(b"from :%d\n" % last)
        for p in sorted(set(changed)):
            out.write(b"M 100644 inline %s\n" % p.encode())
            emit("".join(contents[p]).encode())
        last = mark
        if c % 1000 == 999:
            out.write(b"tag v%d\nfrom :%d\ntagger Release <rel@example.invalid> %d +0000\n" % (c // 1000, mark, when))
            emit(b"release %d\n" % (c // 1000))
    out.write(b"done\n")


if __name__ == "__main__":
    main()

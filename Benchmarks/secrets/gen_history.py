#!/usr/bin/env python3
"""A deterministic git history for the secrets benchmark's history row.

gen_history.py REPO COMMITS

Creates REPO (a fresh git repository) with COMMITS commits made through `git fast-import`: a few dozen
source, config and documentation files edited a little in each commit, secrets planted every ~50 commits
(some removed again later, some copied to a second file, some private keys regenerated in place: new body
lines between unchanged BEGIN and END lines). Writes REPO.labels.json: how many distinct secret values
were planted. Tokens are generated here from a fixed seed with gen_corpus.py's generators; none is real.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_corpus as g  # noqa: E402

R = g.R
R.seed(20261206)

FILES = ([(f"src/service_{i}.py", "py") for i in range(12)] + [(f"web/app_{i}.js", "js") for i in range(8)]
         + [(f"cmd/tool_{i}.go", "go") for i in range(4)] + [(f"config/app_{i}.yaml", "yaml") for i in range(5)]
         + [(f"docs/guide_{i}.md", "md") for i in range(4)] + [("deploy/.env.production", "env"), ("deploy/run.sh", "sh")])
KINDS = [k for k in g.SECRETS if k not in ("private-key",)]


def main():
    repo, commits = sys.argv[1], int(sys.argv[2])
    if os.path.exists(repo):
        subprocess.run(["rm", "-rf", repo], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
    files = {p: g.filler(lang, R.randrange(40, 160)) for p, lang in FILES}
    keys = {}  # path -> PEM lines of a private key living there
    planted = set()
    fast = subprocess.Popen(["git", "-C", repo, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = fast.stdin
    when = 1_600_000_000

    def blob(path, lines):
        data = ("\n".join(lines) + "\n").encode()
        out.write(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")

    for n in range(commits):
        when += 600
        msg = f"change {n}".encode()
        out.write(f"commit refs/heads/main\nmark :{n + 1}\ncommitter Bench <bench@example.invalid> {when} +0000\n".encode()
                   + f"data {len(msg)}\n".encode() + msg + b"\n")
        if n > 0:
            out.write(f"from :{n}\n".encode())
        touched = set()
        for _ in range(R.randrange(1, 4)):
            path, lang = R.choice(FILES)
            lines = files[path]
            at = R.randrange(len(lines) + 1)
            if R.random() < 0.5 and len(lines) > 20:
                del lines[at:at + R.randrange(1, 4)]
            lines[at:at] = g.filler(lang, R.randrange(1, 8))
            touched.add(path)
        if n % 50 == 25:
            path, lang = R.choice(FILES)
            kind = R.choice(KINDS)
            name, make = g.SECRETS[kind]
            value = make()
            planted.add(value)
            line = g.assign(lang, name or R.choice(g.GENERIC_NAMES), value, kind in ("azure-storage", "url-password", "slack-webhook"))
            files[path][R.randrange(len(files[path]) + 1):0] = line.split("\n")
            touched.add(path)
            if R.random() < 0.2:  # the same value copied to a second file
                other, olang = R.choice(FILES)
                files[other].append(g.assign(olang, name or "password", value))
                touched.add(other)
        if n % 500 == 100:
            path = f"keys/deploy_{n}.pem"
            keys[path] = g.pem("RSA PRIVATE KEY", 25)
            planted.add("\n".join(keys[path]))
            files[path] = keys[path]
            touched.add(path)
        if n % 500 == 350 and keys:
            # Regenerate a key in place: body lines change, BEGIN and END do not.
            path = R.choice(sorted(keys))
            old = keys[path]
            keys[path] = [old[0]] + g.pem("RSA PRIVATE KEY", 25)[1:-1] + [old[-1]]
            planted.add("\n".join(keys[path]))
            files[path] = keys[path]
            touched.add(path)
        for path in sorted(touched):
            blob(path, files[path])
        out.write(b"\n")
    out.close()
    if fast.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", repo, "checkout", "-q", "-f", "main"], check=True)
    with open(repo.rstrip("/") + ".labels.json", "w") as f:
        json.dump({"commits": commits, "planted_values": len(planted)}, f)
    print(f"history: {commits} commits, {len(planted)} distinct secret values planted")


if __name__ == "__main__":
    main()

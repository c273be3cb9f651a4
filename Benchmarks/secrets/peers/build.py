#!/usr/bin/env python3
"""Builds the labelled peer corpus: one file per test example of gitleaks, trufflehog and detect-secrets.

build.py OUT GITLEAKS TRUFFLEHOG DETECT_SECRETS

Each repository argument is a clone or a git directory of that project ('-' leaves the source out). The
examples are read from the projects' own tests at run time (see gitleaks.py, trufflehog.py and
detect_secrets.py); nothing from them is stored in gate. Writes:

  OUT/files/<source>/<family>/<n>/<file>   the example, named as its test names it (or input.txt)
  OUT/labels.jsonl                         {"path", "source", "family", "positive"} per file, sorted
  OUT/sources.json                         each project's commit and the extractor's counts

A file is positive when the test expects its detector to report it, negative when the test expects
nothing. Scoring is per file (score_peers.py).
"""
import json
import os
import posixpath
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import detect_secrets  # noqa: E402
import gitleaks  # noqa: E402
import trufflehog  # noqa: E402
from repo import Repo  # noqa: E402

SOURCES = (("gitleaks", gitleaks), ("trufflehog", trufflehog), ("detect-secrets", detect_secrets))


def safe_name(path):
    parts = [p for p in posixpath.normpath(path.replace("\\", "/")).split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "sample.txt"


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    out = sys.argv[1]
    files = os.path.join(out, "files")
    shutil.rmtree(files, ignore_errors=True)
    labels, info = [], {}
    for (source, module), path in zip(SOURCES, sys.argv[2:]):
        if path == "-":
            continue
        repo = Repo(path)
        counter = {}
        n = dropped = 0
        examples = list(module.examples(repo))
        # A peer's negative example is "not this rule", not always "no secret": gitleaks lists one rule's
        # true positive as another rule's false positive (a Cloudflare origin CA key under the API key
        # rule). A negative whose text and file name are another example's positive is left out.
        positives = {(ex["text"], ex["file"]) for ex in examples if ex["positive"]}
        for ex in examples:
            if not ex["positive"] and (ex["text"], ex["file"]) in positives:
                dropped += 1
                continue
            family = ex["family"]
            counter[family] = counter.get(family, 0) + 1
            rel = f"{source}/{family}/{counter[family]}/{safe_name(ex['file'])}"
            full = os.path.join(files, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(ex["text"])
            labels.append({"path": rel, "source": source, "family": family, "positive": ex["positive"]})
            n += 1
        info[source] = {"commit": repo.commit(), "files": n, "contradictory": dropped, **module.examples.stats}
    labels.sort(key=lambda l: l["path"])
    with open(os.path.join(out, "labels.jsonl"), "w") as f:
        for l in labels:
            f.write(json.dumps(l, sort_keys=True) + "\n")
    with open(os.path.join(out, "sources.json"), "w") as f:
        json.dump(info, f, indent=2, sort_keys=True)
    for source, i in info.items():
        pos = sum(1 for l in labels if l["source"] == source and l["positive"])
        print(f"  {source}: {i['files']} files ({pos} positive) from commit {i['commit'][:12]}; "
              f"{i.get('skipped', 0)} examples outside the extractor's subset and {i['contradictory']} negatives "
              f"that are another example's positive were left out")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Score secret scanners against the corpus labels.

score.py RESULTS.json

RESULTS.json lists runs: {"tool", "target" (corpus|slice), "output", "format", "seconds", "peak_kb", "bytes",
"labels"}. Each tool's findings are read from its own output format and matched to labels by path and line
(a multi-line label, such as a PEM block, matches any line inside it). On a line holding several planted
secrets (a minified bundle), each distinct finding credits at most one of them. Prints one row per run.
"""
import collections
import json
import os
import sys

FIXED_PREFIX = {  # kinds whose tokens carry a fixed, documented prefix or shape
    "aws-access-key-id", "github-pat", "github-oauth", "github-app", "github-fine-grained", "gitlab-pat", "gitlab-trigger",
    "gitlab-runner-registration", "gitlab-runner", "slack-bot", "slack-user", "slack-app", "slack-webhook",
    "stripe-secret", "stripe-restricted", "google-api-key", "google-oauth-secret", "jwt", "npm", "pypi", "sendgrid",
    "twilio", "openai", "anthropic", "azure-storage", "shopify", "digitalocean", "huggingface", "vault",
    "terraform-cloud", "age", "databricks", "private-key", "private-key-escaped", "gcp-service-account",
}
DECOY_GROUPS = {
    "checksum-invalid": {"github-bad-checksum", "npm-bad-checksum"},
    "aws-example": {"aws-example", "aws-example-secret"},
    "hashes": {"git-sha", "sha256-digest", "md5-digest", "sri", "go.sum"},
}


def findings(fmt, path, root):
    """(path relative to the scanned root, line, identity) for each finding."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read()
    out = set()
    if fmt == "gate":
        for check in json.loads(text)["checks"]:
            for f in check["findings"]:
                out.add((f["path"], f.get("line") or 1, f.get("column") or 0))
    elif fmt == "kingfisher":
        for item in json.loads(text).get("findings", []):
            f = item["finding"]
            p = os.path.relpath(f["path"], root) if os.path.isabs(f["path"]) else f["path"]
            if p.startswith(os.path.basename(root) + "/"):
                p = p[len(os.path.basename(root)) + 1:]
            out.add((os.path.normpath(p), int(f["line"]), f.get("snippet") or f.get("column_start")))
    elif fmt == "detect-secrets":
        for p, items in json.loads(text)["results"].items():
            for f in items:
                out.add((os.path.normpath(p), int(f["line_number"]), f["hashed_secret"]))
    elif fmt == "gitleaks":
        for f in json.loads(text):
            out.add((os.path.normpath(f["File"]), int(f["StartLine"]), f.get("Fingerprint")))
    elif fmt == "trufflehog3":
        for f in json.loads(text):
            out.add((os.path.normpath(f["path"]), int(f["line"]), f.get("secret")))
    return out


def score(run):
    labels = [json.loads(l) for l in open(run["labels"])]
    by_path = collections.defaultdict(list)
    for l in labels:
        by_path[l["path"]].append(l)
    found = findings(run["format"], run["output"], run["root"]) if run["format"] else None
    row = {"tool": run["tool"], "target": run["target"], "mbps": run["bytes"] / 1e6 / max(run["seconds"], 1e-9),
           "peak_mb": run["peak_kb"] / 1024, "seconds": run["seconds"], "cpu": run.get("cpu_seconds")}
    if found is None:
        return row
    # Findings per label (the label whose line range holds the finding's line).
    per_label = collections.Counter()
    fp = 0
    decoy_hits = collections.Counter()
    for path, line, _ in found:
        hit = [l for l in by_path.get(path, []) if l["line"] <= line <= l["end"]]
        secrets = [l for l in hit if l["secret"]]
        if secrets:
            per_label[(path, secrets[0]["line"])] += 1
        else:
            fp += 1
            for l in hit:
                decoy_hits[l["kind"]] += 1
    secret_labels = collections.Counter((l["path"], l["line"]) for l in labels if l["secret"])
    tp = 0
    credited = collections.Counter()
    for key, n in per_label.items():
        take = min(n, secret_labels[key])
        tp += take
        fp += n - take
        credited[key] = take
    # Recall by kind: credit labels at a key in label order.
    found_kind = collections.Counter()
    total_kind = collections.Counter()
    remaining = dict(credited)
    for l in labels:
        if not l["secret"]:
            continue
        total_kind[l["kind"]] += 1
        key = (l["path"], l["line"])
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
            found_kind[l["kind"]] += 1
    total = sum(total_kind.values())
    row.update({
        "findings": len(found), "tp": tp, "fp": fp,
        "recall": tp / total if total else 0.0,
        "precision": tp / len(found) if found else 1.0,
        "missed_fixed": sorted(k for k in FIXED_PREFIX if total_kind[k] and found_kind[k] < total_kind[k]),
        "decoys": {g: sum(decoy_hits[k] for k in kinds) for g, kinds in DECOY_GROUPS.items()},
        "unlabeled_fp": fp - sum(decoy_hits.values()),
        "recall_by_kind": {k: (found_kind[k], total_kind[k]) for k in sorted(total_kind)},
    })
    return row


def main():
    runs = json.load(open(sys.argv[1]))
    rows = [score(r) for r in runs]
    print(f"{'tool':<16} {'target':<7} {'MB/s':>8} {'peak MB':>8} {'findings':>8} {'recall':>7} {'precision':>9}  "
          f"decoy hits (bad checksum / AWS example / hashes)")
    for r in rows:
        if "recall" in r:
            d = r["decoys"]
            print(f"{r['tool']:<16} {r['target']:<7} {r['mbps']:8.1f} {r['peak_mb']:8.1f} {r['findings']:8d} "
                  f"{r['recall']:7.3f} {r['precision']:9.3f}  {d['checksum-invalid']} / {d['aws-example']} / {d['hashes']}")
        else:
            print(f"{r['tool']:<16} {r['target']:<7} {r['mbps']:8.1f} {r['peak_mb']:8.1f} {'-':>8} {'-':>7} {'-':>9}  "
                  "(raw keyword search: speed reference only)")
    by = {(r["tool"], r["target"]): r for r in rows}
    gate, kf = by.get(("gate", "corpus")), by.get(("kingfisher", "corpus"))
    if gate and kf:
        print(f"\ngate / kingfisher throughput on the corpus, first round: {gate['mbps'] / kf['mbps']:.2f}x "
              f"(target >= 3x; gate {gate['mbps']:.0f} MB/s)")
        if gate.get("cpu") and kf.get("cpu"):
            print(f"gate / kingfisher in CPU time on the corpus: {kf['cpu'] / gate['cpu']:.2f}x "
                  f"(gate {gate['cpu']:.2f} s, kingfisher {kf['cpu']:.2f} s of user and system time)")
    rounds = collections.defaultdict(list)
    if len(sys.argv) > 2 and os.path.exists(sys.argv[2]):
        for line in open(sys.argv[2]).read().splitlines()[1:]:
            tool, cpu, wall = line.split("\t")
            rounds[tool].append((float(cpu), float(wall)))
    if len(rounds.get("gate", [])) > 1 and len(rounds.get("kingfisher", [])) > 1:
        def median(xs):
            xs = sorted(xs)
            return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2
        g, k = rounds["gate"], rounds["kingfisher"]
        gc, gw = median([c for c, _ in g]), median([w for _, w in g])
        kc, kw = median([c for c, _ in k]), median([w for _, w in k])
        print(f"over {len(g)} alternating rounds on the corpus, medians: gate {gc:.2f} s CPU, {gw:.2f} s wall; kingfisher "
              f"{kc:.2f} s CPU, {kw:.2f} s wall: {kc / gc:.2f}x in CPU time, {kw / gw:.2f}x in wall time (target >= 3x)")
        print("  gate CPU s: " + " ".join(f"{c:.2f}" for c, _ in g) + "; kingfisher CPU s: " + " ".join(f"{c:.2f}" for c, _ in k))
    if gate and "recall" in gate:
        missed = gate["missed_fixed"]
        print(f"gate: recall {gate['recall']:.3f} (target >= 0.95), precision {gate['precision']:.3f} (target >= 0.98), "
              f"peak {gate['peak_mb']:.0f} MB (target < 150 MB); fixed-prefix formats below 100%: "
              f"{', '.join(missed) if missed else 'none'}")
        low = {k: v for k, v in gate["recall_by_kind"].items() if v[0] < v[1]}
        if low:
            print("gate misses by kind: " + ", ".join(f"{k} {a}/{b}" for k, a, b in ((k, *v) for k, v in low.items())))
    for r in rows:
        if r.get("unlabeled_fp"):
            print(f"{r['tool']} ({r['target']}): {r['unlabeled_fp']} findings on lines with no label")


if __name__ == "__main__":
    main()

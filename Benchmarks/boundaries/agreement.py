#!/usr/bin/env python3
"""Check that gate and import-linter agree on an import-linter configuration.

agreement.py TREE CONFIG GATE_REPORT.json

Runs import-linter's own engine (the library behind lint-imports, same graph, same contracts) on TREE
with CONFIG, reads gate's JSON report of `gate check boundaries --set config=CONFIG`, and compares per
contract: the verdict (kept or broken), the direct imports each reports, and for acyclic_siblings the
packages with cycles. Prints one line per contract and exits 1 on any disagreement.
"""
import json
import os
import sys


def import_linter_results(tree, config):
    os.chdir(tree)
    sys.path.insert(0, os.path.abspath(tree))
    from importlinter import configuration
    from importlinter.application import use_cases

    configuration.configure()
    options = use_cases.read_user_options(config)
    use_cases._register_contract_types(options)
    report = use_cases.create_report(options, cache_dir=None)
    results = {}
    for contract, check in report.get_contracts_and_checks():
        direct, chains, cycles = set(), 0, set()
        meta = check.metadata or {}
        for entry in meta.get("invalid_chains", []):
            for chain in entry["chains"]:
                links = chain["chain"] if isinstance(chain, dict) else chain
                chains += 1
                if len(links) == 1:
                    direct.add((links[0]["importer"], links[0]["imported"]))
        for dep in meta.get("invalid_dependencies", []):
            for route in dep["routes"]:
                links = route["chain"]
                chains += 1
                if len(links) == 1:
                    direct.add((links[0]["importer"], links[0]["imported"]))
        for broken in meta.get("illegal_imports", []):
            for link in broken.illegal_links:
                chains += 1
                direct.add((link["importer"], link["imported"]))
        for package in meta.get("cycle_breakers_by_package", {}):
            cycles.add(package)
        unlisted = set(meta.get("undeclared_modules", []))
        results[contract.name] = {"kept": check.kept, "direct": direct, "chains": chains, "cycles": cycles,
                                  "unlisted": unlisted}
    return results


def gate_results(report_path):
    report = json.load(open(report_path))
    check = report["checks"][0]
    results = {}
    for f in check["findings"]:
        ev = f.get("evidence") or {}
        name = ev.get("rule")
        if name is None:
            continue
        r = results.setdefault(name, {"kept": True, "direct": set(), "chains": 0, "cycles": set(), "unlisted": set()})
        if f["severity"] == "error":
            r["kept"] = False
        if "cycle" in ev:
            members = ev.get("members", "").split(",")
            if members and members[0]:
                r["cycles"].add(members[0].rsplit(".", 1)[0])
        elif "importer" in ev:
            if "chain" not in ev:
                r["direct"].add((ev["importer"], ev["imported"]))
            r["chains"] += 1
        elif ev.get("unlisted"):
            r["unlisted"].add(ev["unlisted"])
    return results


def main():
    tree, config, gate_report = sys.argv[1:4]
    gate = gate_results(os.path.abspath(gate_report))
    il = import_linter_results(tree, config)
    agree = True
    width = max(len(n) for n in il)
    print(f"{'contract'.ljust(width)}  lint-imports  gate    direct imports (lint-imports / gate)")
    for name, expected in il.items():
        got = gate.get(name, {"kept": True, "direct": set(), "chains": 0, "cycles": set(), "unlisted": set()})
        same = (expected["kept"] == got["kept"] and expected["direct"] == got["direct"]
                and expected["cycles"] == got["cycles"] and expected["unlisted"] == got["unlisted"])
        agree &= same
        verdict = lambda r: "kept" if r["kept"] else "BROKEN"
        extra = f"  cycles in {len(expected['cycles'])} packages" if expected["cycles"] or got["cycles"] else ""
        print(f"{name.ljust(width)}  {verdict(expected):12}  {verdict(got):6}  "
              f"{len(expected['direct'])} / {len(got['direct'])}{extra}  {'agree' if same else 'DIFFER'}")
        if not same:
            for label, a, b in [("direct", expected["direct"], got["direct"]), ("cycles", expected["cycles"], got["cycles"]),
                                ("unlisted", expected["unlisted"], got["unlisted"])]:
                for item in sorted(a - b)[:10]:
                    print(f"    {label} only in lint-imports: {item}")
                for item in sorted(b - a)[:10]:
                    print(f"    {label} only in gate: {item}")
    print("verdicts and direct imports agree" if agree else "DISAGREEMENT")
    sys.exit(0 if agree else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compare the import graph grimp (import-linter's engine) builds with gate's 'graph-output'.

compare_graph.py TREE ROOT_PACKAGE GATE_GRAPH.json [--external] [--exclude-type-checking]

Run from anywhere; TREE is put first on sys.path, as lint-imports does with its working directory.
Prints the module and import counts of both and every difference (up to 20 of each kind); exit 1 if
they differ.
"""
import json
import os
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    tree, root, gate_file = args
    external = "--external" in sys.argv
    exclude_tc = "--exclude-type-checking" in sys.argv
    sys.path.insert(0, os.path.abspath(tree))
    os.chdir(tree)
    import grimp

    g = grimp.build_graph(root, include_external_packages=external,
                          exclude_type_checking_imports=exclude_tc, cache_dir=None)
    grimp_modules = set(g.modules)
    grimp_edges = set()
    for importer in g.modules:
        for imported in g.find_modules_directly_imported_by(importer):
            for d in g.get_import_details(importer=importer, imported=imported):
                grimp_edges.add((importer, imported, d["line_number"]))

    doc = json.load(open(gate_file))
    graph = next(x for x in doc["graphs"] if x["name"] == "import-linter")
    gate_modules = {m["name"] for m in graph["modules"]}
    gate_edges = set()
    for imp in graph["imports"]:
        for site in imp["lines"]:
            gate_edges.add((imp["importer"], imp["imported"], int(site.rsplit(":", 1)[1])))

    print(f"grimp: {len(grimp_modules)} modules, {len(grimp_edges)} imports (importer, imported, line)")
    print(f"gate:  {len(gate_modules)} modules, {len(gate_edges)} imports (importer, imported, line)")
    same = True
    for label, diff in [("modules only in grimp", grimp_modules - gate_modules),
                        ("modules only in gate", gate_modules - grimp_modules),
                        ("imports only in grimp", grimp_edges - gate_edges),
                        ("imports only in gate", gate_edges - grimp_edges)]:
        if diff:
            same = False
            print(f"{label}: {len(diff)}")
            for item in sorted(diff)[:20]:
                print("   ", item)
    print("graphs identical" if same else "graphs differ")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()

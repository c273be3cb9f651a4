/// Every contract type and option, on packages of a few modules.
extension ParityCases {
    static let contracts: [ParityCase] = [
        // contracts/forbidden.py `ForbiddenContract.check`: a direct import of a forbidden module breaks it.
        ParityCase("forbidden direct", pkg(["a.py": "import pkg.b\n", "b.py": ""]), forbid(), .broken, site: "pkg/a.py:1"),
        // `ForbiddenContract.check` -> grimp `find_shortest_chains`: chains through other modules count.
        ParityCase("forbidden indirect", pkg(["a.py": "import pkg.m\n", "m.py": "import pkg.b\n", "b.py": ""]), forbid(), .broken),
        // forbidden.py `_get_direct_chains`: allow_indirect_imports keeps only direct imports.
        ParityCase("forbidden allow_indirect_imports, indirect only", pkg(["a.py": "import pkg.m\n", "m.py": "import pkg.b\n", "b.py": ""]),
                   forbid("allow_indirect_imports = True"), .kept),
        ParityCase("forbidden allow_indirect_imports, direct", pkg(["a.py": "import pkg.b\n", "b.py": ""]),
                   forbid("allow_indirect_imports = True"), .broken),
        // `ForbiddenContract.check`, as_packages=False: the forbidden module alone, not its children.
        ParityCase("forbidden as_packages False", pkg(["a.py": "import pkg.b.child\n", "b/child.py": ""]),
                   forbid("as_packages = False"), .kept),
        ParityCase("forbidden as_packages True (default)", pkg(["a.py": "import pkg.b.child\n", "b/child.py": ""]), forbid(), .broken),
        // forbidden.py `ForbiddenContract.check`: a source module below another is checked with its children.
        ParityCase("forbidden from a package", pkg(["a/x/y.py": "from pkg import b\n", "b.py": ""]), forbid(), .broken),
        // application/contract_utils.py `remove_ignored_imports`: an ignored import is not counted.
        ParityCase("forbidden ignore_imports", pkg(["a.py": "import pkg.b\n", "b.py": ""]), forbid("ignore_imports = pkg.a -> pkg.b"), .kept),
        ParityCase("forbidden ignore_imports wildcard", pkg(["a/one.py": "import pkg.b\n", "a/two.py": "import pkg.b\n", "b.py": ""]),
                   forbid("ignore_imports = pkg.a.* -> pkg.b"), .kept),
        ParityCase("forbidden ignore_imports recursive wildcard", pkg(["a/x/one.py": "import pkg.b.c\n", "b/c.py": ""]),
                   forbid("ignore_imports = pkg.a.** -> pkg.b.**"), .kept),
        // contract_utils.py `_handle_unresolved_import_expressions`: alerting 'warn' and 'none' keep the contract.
        ParityCase("forbidden unmatched ignore warn", pkg(["a.py": "", "b.py": ""]),
                   forbid("ignore_imports = pkg.a -> pkg.nothing\nunmatched_ignore_imports_alerting = warn"), .kept),
        ParityCase("forbidden unmatched ignore none", pkg(["a.py": "", "b.py": ""]),
                   forbid("ignore_imports = pkg.a -> pkg.nothing\nunmatched_ignore_imports_alerting = none"), .kept),
        // forbidden.py + grimp `_distill_external_module` (import_scanning.rs): external packages by top-level name.
        ParityCase("forbidden external package", pkg(["a.py": "import json.decoder\n"]),
                   ini("type = forbidden\nsource_modules = pkg.a\nforbidden_modules = json", session: "include_external_packages = True"), .broken),
        ParityCase("forbidden wildcard source", pkg(["x/a.py": "import pkg.b\n", "y/a.py": "", "b.py": ""]),
                   forbid(from: "pkg.*.a"), .broken),

        // contracts/layers.py `LayersContract.check` -> grimp `find_illegal_dependencies_for_layers`.
        ParityCase("layers kept", pkg(["high.py": "import pkg.low\n", "low.py": ""]), ini("type = layers\nlayers =\n    pkg.high\n    pkg.low"), .kept),
        ParityCase("layers lower imports higher", pkg(["high.py": "", "low.py": "import pkg.high\n"]),
                   ini("type = layers\nlayers =\n    pkg.high\n    pkg.low"), .broken, site: "pkg/low.py:1"),
        ParityCase("layers indirect through a non-layer module", pkg(["high.py": "", "low.py": "import pkg.util\n", "util.py": "import pkg.high\n"]),
                   ini("type = layers\nlayers =\n    pkg.high\n    pkg.low"), .broken),
        // grimp `generate_illegal_import_permutations_for_layers`: `|` siblings are independent, `:` siblings are not.
        ParityCase("layers independent siblings", pkg(["top.py": "", "left.py": "import pkg.right\n", "right.py": ""]),
                   ini("type = layers\nlayers =\n    pkg.top\n    pkg.left | pkg.right"), .broken),
        ParityCase("layers non-independent siblings", pkg(["top.py": "", "left.py": "import pkg.right\n", "right.py": ""]),
                   ini("type = layers\nlayers =\n    pkg.top\n    pkg.left : pkg.right"), .kept),
        // layers.py `_check_all_containerless_layers_exist`: an optional (bracketed) layer may be missing...
        ParityCase("layers optional layer missing", pkg(["high.py": "import pkg.low\n", "low.py": ""]),
                   ini("type = layers\nlayers =\n    pkg.high\n    (pkg.ghost)\n    pkg.low"), .kept),
        // ... a required one may not ("Missing layer 'pkg.ghost'").
        ParityCase("layers required layer missing", pkg(["high.py": "", "low.py": ""]),
                   ini("type = layers\nlayers =\n    pkg.high\n    pkg.ghost\n    pkg.low"), .error),
        // layers.py `LayersContract.check`: containers repeat the layers inside each container.
        ParityCase("layers containers", pkg(["one/high.py": "", "one/low.py": "import pkg.one.high\n", "two/high.py": "", "two/low.py": ""]),
                   ini("type = layers\ncontainers =\n    pkg.one\n    pkg.two\nlayers =\n    high\n    low"), .broken),
        // layers.py `_get_undeclared_modules`: exhaustive reports a container child no layer lists.
        ParityCase("layers exhaustive", pkg(["one/high.py": "", "one/low.py": "", "one/extra.py": ""]),
                   ini("type = layers\ncontainers = pkg.one\nexhaustive = True\nlayers =\n    high\n    low"), .broken),
        ParityCase("layers exhaustive_ignores", pkg(["one/high.py": "", "one/low.py": "", "one/extra.py": ""]),
                   ini("type = layers\ncontainers = pkg.one\nexhaustive = True\nexhaustive_ignores = extra\nlayers =\n    high\n    low"), .kept),
        // layers.py `LayersContract.validate`: exhaustive needs containers.
        ParityCase("layers exhaustive without containers", pkg(["high.py": "", "low.py": ""]),
                   ini("type = layers\nexhaustive = True\nlayers =\n    pkg.high\n    pkg.low"), .refused),
        ParityCase("layers ignore_imports", pkg(["high.py": "", "low.py": "import pkg.high\n"]),
                   ini("type = layers\nlayers =\n    pkg.high\n    pkg.low\nignore_imports = pkg.low -> pkg.high"), .kept),

        // contracts/independence.py `IndependenceContract.check`.
        ParityCase("independence kept", pkg(["x.py": "import pkg.shared\n", "y.py": "import pkg.shared\n", "shared.py": ""]),
                   ini("type = independence\nmodules =\n    pkg.x\n    pkg.y"), .kept),
        ParityCase("independence direct", pkg(["x.py": "import pkg.y\n", "y.py": ""]), ini("type = independence\nmodules =\n    pkg.x\n    pkg.y"), .broken),
        ParityCase("independence indirect", pkg(["x.py": "import pkg.m\n", "m.py": "import pkg.y\n", "y.py": ""]),
                   ini("type = independence\nmodules =\n    pkg.x\n    pkg.y"), .broken),
        ParityCase("independence wildcard", pkg(["plugins/blue.py": "from pkg.plugins import green\n", "plugins/green.py": ""]),
                   ini("type = independence\nmodules = pkg.plugins.*"), .broken),
        ParityCase("independence ignore_imports", pkg(["x.py": "import pkg.y\n", "y.py": ""]),
                   ini("type = independence\nmodules =\n    pkg.x\n    pkg.y\nignore_imports = pkg.x -> pkg.y"), .kept),

        // contracts/protected.py `ProtectedContract.check`: only allowed importers may import a protected module.
        ParityCase("protected allowed importer", pkg(["db.py": "", "repo.py": "import pkg.db\n"]),
                   ini("type = protected\nprotected_modules = pkg.db\nallowed_importers = pkg.repo"), .kept),
        ParityCase("protected other importer", pkg(["db.py": "", "repo.py": "", "views.py": "import pkg.db\n"]),
                   ini("type = protected\nprotected_modules = pkg.db\nallowed_importers = pkg.repo"), .broken),
        ParityCase("protected as_packages False", pkg(["db/inner.py": "", "repo/sub.py": "import pkg.db\n"]),
                   ini("type = protected\nprotected_modules = pkg.db\nallowed_importers = pkg.repo\nas_packages = False"), .broken),
        ParityCase("protected as_packages True", pkg(["db/inner.py": "", "repo/sub.py": "import pkg.db.inner\n"]),
                   ini("type = protected\nprotected_modules = pkg.db\nallowed_importers = pkg.repo"), .kept),

        // contracts/acyclic_siblings.py `AcyclicSiblingsContract.check` -> grimp `nominate_cycle_breakers`.
        ParityCase("acyclic_siblings kept", pkg(["a/x.py": "import pkg.b.y\n", "b/y.py": ""]), ini("type = acyclic_siblings\nancestors = pkg"), .kept),
        ParityCase("acyclic_siblings cycle", pkg(["a/x.py": "import pkg.b.y\n", "b/y.py": "import pkg.a.x\n"]),
                   ini("type = acyclic_siblings\nancestors = pkg"), .broken),
        ParityCase("acyclic_siblings depth 0", pkg(["top/a/x.py": "import pkg.top.b.y\n", "top/b/y.py": "import pkg.top.a.x\n"]),
                   ini("type = acyclic_siblings\nancestors = pkg\ndepth = 0"), .kept),
        ParityCase("acyclic_siblings nested cycle", pkg(["top/a/x.py": "import pkg.top.b.y\n", "top/b/y.py": "import pkg.top.a.x\n"]),
                   ini("type = acyclic_siblings\nancestors = pkg"), .broken),
        ParityCase("acyclic_siblings skip_descendants", pkg(["top/a/x.py": "import pkg.top.b.y\n", "top/b/y.py": "import pkg.top.a.x\n"]),
                   ini("type = acyclic_siblings\nancestors = pkg\nskip_descendants = pkg.top"), .kept),

        // grimp `build_graph` with several root packages (usecases.py `_find_packages`).
        ParityCase("two root packages", ["one/__init__.py": "", "one/a.py": "import two.b\n", "two/__init__.py": "", "two/b.py": ""],
                   "[importlinter]\nroot_packages =\n    one\n    two\n[importlinter:contract:one]\nname = One not two\ntype = forbidden\nsource_modules = one\nforbidden_modules = two\n",
                   .broken),
        // pyproject.toml: adapters/user_options.py `TomlFileUserOptionReader`.
        ParityCase("pyproject.toml", pkg(["a.py": "import pkg.b\n", "b.py": ""]),
                   "[tool.importlinter]\nroot_package = \"pkg\"\n[[tool.importlinter.contracts]]\nid = \"one\"\nname = \"A not B\"\ntype = \"forbidden\"\nsource_modules = [\"pkg.a\"]\nforbidden_modules = [\"pkg.b\"]\n",
                   .broken),
    ]
}

/// The rows of issue 28: how files are read, TYPE_CHECKING branches, contract options.
extension ParityCases {
    static let fileReading: [ParityCase] = {
        func reading(_ name: String, _ a: String, _ v: ParityCase.Verdict, gate: ParityCase.Verdict? = nil, site: String? = nil,
                     encoding: String? = nil) -> ParityCase {
            let (files, config) = importing(a)
            return ParityCase(name, files, config, v, gate: gate, site: site, encoding: encoding)
        }
        return [
            // grimp filesystem.rs `RealBasicFileSystem::read` keeps a UTF-8 file as it is and the ruff
            // parser (import_parsing.rs `parse_imports_from_code`) skips the byte-order mark: the import counts.
            reading("utf-8 byte-order mark", "\u{FEFF}import pkg.b\n", .broken, site: "pkg/a.py:1"),
            // filesystem.rs `lookup_encoding`: Latin-1 spellings decode byte by byte.
            reading("latin-1 coding line", "# -*- coding: latin-1 -*-\n# caf\u{E9}\nimport pkg.b\n", .broken, site: "pkg/a.py:3"),
            // `RealBasicFileSystem::read`: the declaration may be on line 2; other codecs go to encoding_rs.
            reading("cp1252 coding on line 2", "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\u{20AC}'\nimport pkg.b\n", .broken),
            reading("iso-8859-15 coding", "# coding=iso-8859-15\nx = '\u{20AC}'\nimport pkg.b\n", .broken),
            reading("shift_jis coding", "# -*- coding: shift_jis -*-\nx = '\u{65E5}\u{672C}'\nimport pkg.b\n", .broken),
            // `RealBasicFileSystem::read`: "Failed to decode file ... (unknown encoding 'klingon')" stops
            // lint-imports; gate skips the file with a warning naming it (docs/boundaries.md).
            ParityCase("unknown codec", pkg(["a.py": "import pkg.b\n", "b.py": "", "c.py": "# coding: klingon\nimport os\n"]), forbid(),
                       .error, gate: .broken),
            // ... and so does "Failed to decode file ... as UTF-8".
            ParityCase("not UTF-8 without a declaration", pkg(["a.py": "import pkg.b\n", "b.py": "", "c.py": "x = 'caf\u{E9}'\n"]), forbid(),
                       .error, gate: .broken, encoding: "latin-1"),
            // import_parsing.rs `Visitor::visit_stmt`: `Stmt::Import` / `Stmt::ImportFrom` with `is_lazy`
            // are imports like any other (PEP 810).
            reading("lazy import", "lazy import pkg.b\n", .broken, site: "pkg/a.py:1"),
            reading("lazy from import", "lazy from pkg import b\n", .broken, site: "pkg/a.py:1"),
            reading("lazy as a name", "lazy = 1\nlazy\n", .kept),
            // import_parsing.rs `parse_imports_from_code`: GrimpError::ParseError, "Syntax error in FILE, line N".
            reading("syntax error", "import pkg.b\ndef broken(:\n    pass\n", .error, site: "pkg/a.py:2"),
            reading("python 2 print statement", "import os\nprint 'hello'\n", .error, site: "pkg/a.py:2"),
            reading("unterminated string", "x = 'abc\nimport pkg.b\n", .error, site: "pkg/a.py:1"),
            reading("unexpected indent", "import os\n    import pkg.b\n", .error, site: "pkg/a.py:2"),
            reading("missing indented block", "def f():\nimport pkg.b\n", .error, site: "pkg/a.py:2"),
            reading("unclosed bracket", "x = (1,\nimport pkg.b\n", .error),
            reading("missing colon", "if True\n    import pkg.b\n", .error),
            reading("valid corners parse", """
                from __future__ import annotations
                import pkg.b as b
                match = {'a': 1}
                type = 3
                def f(a, /, b=..., *, c: int = 0x_1f, **kw) -> None:
                    x = (f"{a!r:>{b}} {'q'} {c:'^10}" f'{a}', rb'\\x00' b"", 1_000j, .5e-3, 0o17, 1e+5)
                    lazy = [y for y in kw if not y] if a else {**kw}
                    return (yield from x) if x else lambda *a, **k: (a, k)[0][...]
                class C[T](b.Base, metaclass=type):
                    match x:
                        case [1, *rest] | {"k": _} if rest: pass
                        case Point(x=0) as p: ...
                \u{4E2D} = 'caf\u{E9}'
                """, .broken),
            // A file the syntax error is in must be one grimp reads: outside the root package it is not read.
            ParityCase("syntax error outside the root package", pkg(["a.py": "", "b.py": ""]).merging(["scripts/tool.py": "print 'x'\n"]) { a, _ in a },
                       forbid(), .kept),
            // gate only: 'skip-unparseable' reads past the file (its imports are not counted) with a warning.
            ParityCase("skip-unparseable", pkg(["a.py": "import pkg.b\n", "b.py": "def broken(:\n"]), forbid(), .error, gate: .broken,
                       with: "skip-unparseable: true\n", site: "pkg/a.py:1"),
        ]
    }()

    static let typeCheckingCases: [ParityCase] = {
        func tc(_ name: String, _ a: String, _ v: ParityCase.Verdict) -> ParityCase {
            let (files, config) = importing(a, session: typeChecking)
            return ParityCase(name, files, config, v)
        }
        return [
            // import_parsing.rs `Visitor::visit_stmt` (Stmt::If) and `is_type_checking`: a branch is
            // type-checking only when its own test is `TYPE_CHECKING` or `<anything>.TYPE_CHECKING`;
            // import_scanning.rs drops those imports with exclude_type_checking_imports.
            tc("if TYPE_CHECKING", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.b\n", .kept),
            tc("elif TYPE_CHECKING", "import os\nif os.environ:\n    pass\nelif TYPE_CHECKING:\n    import pkg.b\n", .kept),
            tc("else of if TYPE_CHECKING runs", "if TYPE_CHECKING:\n    pass\nelse:\n    import pkg.b\n", .broken),
            tc("nested under TYPE_CHECKING", "if TYPE_CHECKING:\n    if True:\n        pass\n    else:\n        import pkg.b\n", .kept),
            tc("nested if TYPE_CHECKING", "import os\nif os.environ:\n    if TYPE_CHECKING:\n        import pkg.b\n", .kept),
            tc("typing.TYPE_CHECKING", "import typing\nif typing.TYPE_CHECKING:\n    from pkg import b\n", .kept),
            tc("typing_extensions alias", "import typing_extensions as te\nif te.TYPE_CHECKING:\n    import pkg.b\n", .kept),
            tc("parenthesised test", "if (TYPE_CHECKING):\n    import pkg.b\n", .kept),
            tc("one-line branch", "if TYPE_CHECKING: import pkg.b\n", .kept),
            // `is_type_checking` looks at the name, not at what it is bound to: an alias is a runtime test.
            tc("renamed TYPE_CHECKING", "from typing import TYPE_CHECKING as TC\nif TC:\n    import pkg.b\n", .broken),
            tc("not TYPE_CHECKING", "if not TYPE_CHECKING:\n    import pkg.b\n", .broken),
            tc("TYPE_CHECKING and more", "if TYPE_CHECKING and True:\n    import pkg.b\n", .broken),
            tc("after the branch", "if TYPE_CHECKING:\n    pass\nimport pkg.b\n", .broken),
            tc("function defined under TYPE_CHECKING", "if TYPE_CHECKING:\n    def f():\n        import pkg.b\n", .kept),
            // Without exclude_type_checking_imports every import counts (use_cases.py `_get_exclude_type_checking_imports`).
            ParityCase("TYPE_CHECKING counted by default", pkg(["a.py": "if TYPE_CHECKING:\n    import pkg.b\n", "b.py": ""]), forbid(), .broken),
        ]
    }()

    static let options: [ParityCase] = {
        let two = "[importlinter]\nroot_package = pkg\n\n[importlinter:contract:first]\nname = First\ntype = forbidden\nsource_modules = pkg.a\nforbidden_modules = pkg.b\n\n[importlinter:contract:second]\nname = Second\ntype = forbidden\nsource_modules = pkg.b\nforbidden_modules = pkg.a\n"
        let twoFiles = pkg(["a.py": "import pkg.b\n", "b.py": ""])
        return [
            // domain/contract.py `Contract._get_unrecognized_option_errors`: "Unrecognized option.", with
            // difflib's closest valid option when there is one.
            ParityCase("misspelt exhaustive", pkg(["one/high.py": "", "one/low.py": ""]),
                       ini("type = layers\ncontainers = pkg.one\nexhaustiv = True\nlayers =\n    high\n    low"), .refused, site: ".importlinter:8"),
            ParityCase("allow_indirect_import", pkg(["a.py": "", "b.py": ""]), forbid("allow_indirect_import = True"), .refused),
            ParityCase("option of another contract type", pkg(["x.py": "", "y.py": ""]),
                       ini("type = independence\nmodules =\n    pkg.x\n    pkg.y\nas_packages = False"), .refused),
            // adapters/user_options.py `IniFileUserOptionReader._build_from_config`: `dict(config[section])`
            // includes [DEFAULT] keys, which `_get_unrecognized_option_errors` then refuses ("base:
            // Unrecognized option."). gate keeps them working as interpolation helpers (docs/boundaries.md).
            ParityCase("DEFAULT interpolation", pkg(["a.py": "import pkg.b\n", "b.py": ""]),
                       "[DEFAULT]\nbase = pkg\n\n[importlinter]\nroot_package = %(base)s\n\n[importlinter:contract:one]\nname = A not B\ntype = forbidden\nsource_modules = %(base)s.a\nforbidden_modules = %(base)s.b\n",
                       .refused, gate: .broken),
            // application/contract_utils.py `render_broken_contract_guidance`: printed under a broken contract.
            ParityCase("broken_contract_guidance", pkg(["a.py": "import pkg.b\n", "b.py": ""]),
                       forbid("broken_contract_guidance =\n    Ask the platform team.\n    See the wiki."), .broken),
            // application/use_cases.py `_filter_contract_options`: --contract runs only the contracts named.
            ParityCase("--contract selects a kept contract", twoFiles, two, .kept, with: "contract: second\n", lintArgs: ["--contract", "second"]),
            ParityCase("--contract selects a broken contract", twoFiles, two, .broken, with: "contract: [first]\n", lintArgs: ["--contract", "first"]),
            ParityCase("--contract both", twoFiles, two, .broken, with: "contract: [first, second]\n", lintArgs: ["--contract", "first", "--contract", "second"]),
            // `_filter_contract_options`: "Could not find contract 'third'".
            ParityCase("--contract unknown id", twoFiles, two, .error, gate: .refused, with: "contract: third\n", lintArgs: ["--contract", "third"]),
            // grimp `find_shortest_path` (pathfinding.rs): equally short chains; lint-imports' pick varies
            // with PYTHONHASHSEED, the verdict does not.
            ParityCase("equally short chains", pkg(["a.py": "import pkg.m\n", "m.py": "import pkg.y\nimport pkg.x\n", "x.py": "import pkg.b\n", "y.py": "import pkg.b\n", "b.py": ""]),
                       forbid(), .broken),
        ]
    }()
}

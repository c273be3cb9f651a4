import Testing
@testable import VerifierBoundaries

/// The Python extractor on the cases that trip up line-based scanners.
@Suite struct PythonImportsTests {
    func imports(_ source: String) -> [String] {
        Array(source.utf8).withUnsafeBufferPointer { PythonImports.extract($0) }.map { "\($0.line):\($0.target)\($0.flags.contains(.typeOnly) ? " (type)" : "")" }
    }

    @Test func absoluteAndAliased() {
        #expect(imports("import a.b as c, d\nimport  e . f\n") == ["1:a.b", "1:d", "2:e.f"])
    }

    @Test func fromImportsKeepTheImportedName() {
        #expect(imports("from a.b import c, d as e\nfrom x import *\n") == ["1:a.b.c", "1:a.b.d", "2:x.*"])
    }

    @Test func relativeImports() {
        #expect(imports("from . import x\nfrom .. import (y)\nfrom .m import n\nfrom ...p.q import r\n")
            == ["1:.x", "2:..y", "3:.m.n", "4:...p.q.r"])
    }

    @Test func parenthesisedListsSpanLinesWithComments() {
        let src = "from a import (\n    b,  # first\n    c as d,\n)\nimport e\n"
        #expect(imports(src) == ["1:a.b", "1:a.c", "5:e"])
    }

    @Test func backslashContinuation() {
        #expect(imports("from a import b, \\\n    c\nimport d\n") == ["1:a.b", "1:a.c", "3:d"])
    }

    @Test func lazyImportsInsideFunctionsAndCompoundStatements() {
        let src = "def f():\n    import a\n    if x: import b\n    try: from c import d\n    except: pass\nx = 1; import e\n"
        #expect(imports(src) == ["2:a", "3:b", "4:c.d", "6:e"])
    }

    @Test func stringsAndCommentsAreNotImports() {
        let src = """
            '''
            import fake_in_docstring
            '''
            s = "import fake"; t = f"{'import'} {x!r:>10}"
            # import commented
            u = rb'from x import y'
            v = f'''{
              "import nested"
            }'''
            import real
            """
        #expect(imports(src) == ["10:real"])
    }

    @Test func fromAndImportInExpressionsAreNotStatements() {
        #expect(imports("raise A from B\nx = yield from g()\nimport ok\n") == ["3:ok"])
    }

    @Test func typeCheckingBlocksButNotTheirElseBranches() {
        let src = """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from a import b
                import c
            else:
                import d
            import e
            if typing.TYPE_CHECKING: import f
            if not TYPE_CHECKING:
                import g
            """
        #expect(imports(src) == ["1:typing.TYPE_CHECKING", "3:a.b (type)", "4:c (type)", "6:d", "7:e",
                                 "8:f (type)", "10:g"])
    }

    @Test func bracketsHideNewlinesSoIndentationIsNotMisread() {
        let src = "x = [\n1,\n]\nif TYPE_CHECKING:\n    import a\ny = (\n    2)\nimport b\n"
        #expect(imports(src) == ["5:a (type)", "8:b"])
    }

    @Test func relativeResolution() {
        #expect(PythonProject.absolute(".x", importer: "pkg.mod", isPackage: false) == "pkg.x")
        #expect(PythonProject.absolute(".x", importer: "pkg.sub", isPackage: true) == "pkg.sub.x")
        #expect(PythonProject.absolute("..x", importer: "pkg.sub", isPackage: true) == "pkg.x")
        #expect(PythonProject.absolute("..x.y", importer: "pkg.sub.mod", isPackage: false) == "pkg.x.y")
        #expect(PythonProject.absolute("...x", importer: "pkg.mod", isPackage: false) == nil)
        #expect(PythonProject.absolute("abs.name", importer: "pkg.mod", isPackage: false) == "abs.name")
    }
}

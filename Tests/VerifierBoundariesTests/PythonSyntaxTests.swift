import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierBoundaries

/// The syntax checker must accept every valid file (a false error stops a whole check) and find the
/// errors import-linter stops on. Valid corners come from CPython's grammar; the invalid ones are what
/// CPython 3.11 and ruff both reject.
@Suite struct PythonSyntaxTests {
    static func check(_ text: String) -> PythonSyntaxIssue? {
        Array(text.utf8).withUnsafeBufferPointer { PythonSyntax.check($0) }
    }

    @Test(arguments: [
        "", "\n\n", "# only a comment", "x = 1", "x = 1  # c\n", "if x:\n    pass\nelif y:\n    pass\nelse:\n    pass\n",
        "def f(a, /, b, *, c=1, **kw) -> int:\n    return a\n", "lambda *a, **k: 0", "print(*a, sep='')", "x = -1 if y else +2\n",
        "x[1:2, ::3]\n", "x = {**a, 'b': 1}\n", "(x := 1)\n", "from . import x\n", "from ...pkg.mod import (a as b,\n    c)\n",
        "import a.b as c, d\n", "from a import *\n", "async def f():\n    async with a as b:\n        await c\n",
        "class A(B, metaclass=M):\n    x: int = 0\n    def f(self): ...\n", "match x:\n    case [1, *r] | {'k': _} if r:\n        pass\n    case P(x=0) as p:\n        pass\n",
        "type X[T] = list[T]\n", "match = 1\ncase = 2\ntype = 3\nlazy = 4\n", "lazy import a\nlazy from b import c\n",
        "x = f'{a!r:>{w}} {b:\"^9}' f\"{'q'}\"\ny = rb'\\x00' b''\n", "x = f'''{\n  a + b\n}'''\n", "x = f\"{', '.join(['a',\n 'b'])}\"\n",
        "x = 0x_1f + 0o17 + 0b1 + 1_000j + .5e-3 + 1e+5 + 5. + 0 + 00 + 0.0\n", "x = '''\nimport a\n'''\n", "x = 1; y = 2;\n",
        "if x: import a\n", "while x:\n\tpass\n", "x = (1,\n     2)\n", "x = 1 + \\\n    2\n", "\u{4E2D} = 'caf\u{E9}'\n",
        "try:\n    pass\nexcept* E:\n    pass\nfinally:\n    pass\n", "@dec\n@dec2(1)\ndef f(): pass\n", "x = not not a\nb = a is not c not in d\n",
        "def g():\n    x = yield\n    y = yield from z\n    return\n", "print >>f, x\n", "x = [\n    1,\n    2,\n]\nfor a, b in c: pass\n",
        "with (open(a) as f, open(b) as g):\n    pass\n", "global a, b\n", "x = 'a' 'b' f'c'\n", "assert x, 'msg'\n", "del a[0], b\n",
        "raise X from Y\n", "x = a if b else(c)\n", "\u{0C}x = 1\n", "x = 1\r\ny = 2\r\n", "def f[T: int, *Ts, **P](): pass\n", "x = (rf'(\\{{%)(-?)', 'a')\n",
    ])
    func acceptsValidPython(_ text: String) {
        #expect(Self.check(text) == nil, "\(text.debugDescription): \(String(describing: Self.check(text)))")
    }

    @Test(arguments: [
        ("def broken(:\n    pass\n", 1), ("print 'hello'\n", 1), ("x = 'abc\n", 1), ("x = '''abc\n", 1), ("import os\n    x = 1\n", 2),
        ("def f():\nx = 1\n", 2), ("if x:\n        a\n    b\n", 3), ("x = (1,\n", 1), ("x = [1)\n", 1), ("x = 1)\n", 1), ("if x\n    pass\n", 1),
        ("x = 10L\n", 1), ("x = 0777\n", 1), ("x = ur'a'\n", 1), ("x = a b\n", 1), ("x = (1 +)\n", 1), ("x =\n", 1), ("f(a, , b)\n", 1),
        ("import\n", 1), ("from a\n", 1), ("from a import\n", 1), ("import (a)\n", 1), ("x = $\n", 1), ("x = a ? b : c\n", 1),
        ("x = `a`\n", 1), ("x = a ! b\n", 1), ("x = 1 \\ 2\n", 1), ("x = a\u{00A0}\n", 1), ("class A\n    pass\n", 1), ("exec 'code'\n", 1),
        ("def f():\n", 2),
    ] as [(String, Int)])
    func findsErrors(_ text: String, line: Int) {
        let issue = Self.check(text)
        #expect(issue?.line == Int32(line), "\(text.debugDescription): \(String(describing: issue))")
    }

    /// A corpus run: GATE_PYSYNTAX_CORPUS=dir writes every file gate calls broken to GATE_PYSYNTAX_OUT
    /// (path, line, message), to compare with CPython's `compile` on the same files.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GATE_PYSYNTAX_CORPUS"] != nil))
    func corpus() throws {
        let env = ProcessInfo.processInfo.environment
        let root = try #require(env["GATE_PYSYNTAX_CORPUS"])
        var out = ""
        let walker = FileManager.default.enumerator(atPath: root)
        while let rel = walker?.nextObject() as? String {
            guard rel.hasSuffix(".py"), let data = FileManager.default.contents(atPath: root + "/" + rel) else { continue }
            guard case .text(let bytes) = PythonSource.decode(Array(data)) else { out += "\(rel)\t0\tundecodable\n"; continue }
            if let issue = bytes.withUnsafeBufferPointer({ PythonSyntax.check($0) }) { out += "\(rel)\t\(issue.line)\t\(issue.message)\n" }
        }
        try out.write(toFile: env["GATE_PYSYNTAX_OUT"] ?? "/dev/stdout", atomically: false, encoding: .utf8)
    }
}

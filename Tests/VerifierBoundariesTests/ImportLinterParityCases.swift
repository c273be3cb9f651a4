/// Small packages that exercise every import-linter 2.16 contract type and option, and the rows of
/// issue 28. Each case names the verdict lint-imports 2.16 gives (checked by `ImportLinterParityTests`
/// whenever lint-imports is installed) and, next to it, the import-linter or grimp 3.20 source that
/// decides it. Paths: import-linter's `src/importlinter/...`, grimp's `rust/src/...`.
struct ParityCase: Sendable, CustomStringConvertible {
    enum Verdict: String, Sendable {
        /// Every contract kept.
        case kept
        /// At least one contract broken.
        case broken
        /// The run stops with an error before any verdict (gate: the check errors).
        case error
        /// The configuration is refused (gate: exit 2 at load).
        case refused
    }

    var name: String
    var files: [String: String]
    var config: String
    var expected: Verdict
    /// gate's verdict where it differs from import-linter's on purpose (docs/boundaries.md lists why).
    var gate: Verdict?
    /// Extra `with:` lines for gate and the matching lint-imports arguments.
    var with: String = ""
    var lintArgs: [String] = []
    /// A line gate's findings or error must name (`path:line`), when the case is about where.
    var site: String?
    /// The codec the files are written in when they declare none (default UTF-8).
    var encoding: String?

    var description: String { name }
    var gateVerdict: Verdict { gate ?? expected }

    init(_ name: String, _ files: [String: String], _ config: String, _ expected: Verdict, gate: Verdict? = nil,
         with: String = "", lintArgs: [String] = [], site: String? = nil, encoding: String? = nil) {
        self.encoding = encoding
        self.name = name
        self.files = files
        self.config = config
        self.expected = expected
        self.gate = gate
        self.with = with
        self.lintArgs = lintArgs
        self.site = site
    }
}

enum ParityCases {
    /// A package below `pkg/`: every directory gets an `__init__.py`, as grimp needs (module_finding.rs).
    static func pkg(_ modules: [String: String]) -> [String: String] {
        var out: [String: String] = ["pkg/__init__.py": ""]
        for (path, text) in modules {
            out["pkg/" + path] = text
            var parts = path.split(separator: "/").dropLast()
            while !parts.isEmpty {
                out["pkg/" + parts.joined(separator: "/") + "/__init__.py", default: ""] += ""
                parts = parts.dropLast()
            }
        }
        return out
    }

    /// An `.importlinter` with one contract.
    static func ini(_ contract: String, session: String = "", id: String = "one") -> String {
        "[importlinter]\nroot_package = pkg\n\(session)\n[importlinter:contract:\(id)]\nname = Contract \(id)\n\(contract)\n"
    }

    static func forbid(_ extra: String = "", from: String = "pkg.a", to: String = "pkg.b") -> String {
        ini("type = forbidden\nsource_modules = \(from)\nforbidden_modules = \(to)\n\(extra)")
    }

    /// `pkg.a` imports `pkg.b` through the given statement; a forbidden contract says it must not.
    static func importing(_ a: String, session: String = "") -> ([String: String], String) {
        (pkg(["a.py": a, "b.py": ""]), ini("type = forbidden\nsource_modules = pkg.a\nforbidden_modules = pkg.b", session: session))
    }

    static let typeChecking = "exclude_type_checking_imports = True"

    static let all: [ParityCase] = contracts + fileReading + typeCheckingCases + options
}

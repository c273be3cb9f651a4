import Foundation
import GateCore

/// `gate init`: looks at a project and writes a first suite for it, with a comment on every check saying
/// what it does and why it is there. What it looks for: a git repository, languages and their package
/// roots, a test runner, migration folders and their tool, a content store (an OCI layout or a checksum
/// file), and import-linter or tach configuration. Nothing is run; the suite it writes validates and runs.
public struct ProjectInit: Sendable {
    /// One thing found, for the console ("found: pytest (tests/)").
    public struct Found: Sendable, Equatable {
        public var what: String
        public var detail: String
    }

    public let root: String
    public private(set) var found: [Found] = []
    /// The suite's YAML, comments included.
    public private(set) var suite = ""

    /// Inspects `root`. `hasProgram` answers whether a program can be run (tests pass a fake).
    public init(root: String, name: String? = nil,
                hasProgram: (String) -> Bool = { ProjectInit.onPath($0) }) {
        self.root = root
        var checks: [String] = []
        let suiteName = Self.suiteName(name ?? PathUtil.basename(root))

        let git = FileManager.default.fileExists(atPath: root + "/.git")
        if git { found.append(Found(what: "git repository", detail: "the secrets check reads tracked and untracked files")) }
        checks.append("""
              # Credentials committed by mistake: 200+ rules (gitleaks' and more), with .gitignore respected.
              # A real finding: rotate the credential. A test fixture: waive it in .gate/waivers.yaml.
              - id: secrets
                uses: secrets
            """)

        let python = Self.pythonPackages(root)
        if !python.isEmpty { found.append(Found(what: "Python", detail: "packages " + python.joined(separator: ", "))) }
        for (lang, marker) in [("JavaScript/TypeScript", "package.json"), ("Go", "go.mod"), ("Rust", "Cargo.toml"),
                               ("Swift", "Package.swift")] where Self.exists(root, marker) {
            found.append(Found(what: lang, detail: marker))
        }

        if let tests = Self.testCheck(root, python: !python.isEmpty, hasProgram: hasProgram) {
            found.append(Found(what: tests.runner, detail: tests.detail))
            checks.append(tests.yaml)
        }
        for m in Self.migrationFolders(root) {
            found.append(Found(what: "migrations", detail: "\(m.directory)/ (\(m.tool))"))
            checks.append(m.yaml)
        }
        if let b = Self.boundaries(root) {
            found.append(Found(what: "import rules", detail: b.file))
            checks.append(b.yaml)
        }
        for c in Self.contentStores(root) {
            found.append(Found(what: "content store", detail: c.detail))
            checks.append(c.yaml)
        }

        suite = """
            # gate suite for this project, written by 'gate init'. Run it with 'gate run'; read any verifier's
            # parameters with 'gate explain VERIFIER'; check this file with 'gate validate'.
            # Reports go to Reports/\(suiteName)/ (JSON, JUnit, SARIF, Markdown, HTML); history and caches to .gate/.
            suite: \(suiteName)
            checks:

            """ + checks.joined(separator: "\n\n") + "\n"
    }

    // MARK: - What is looked for

    static func exists(_ root: String, _ rel: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + rel) }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    static func list(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A suite name from the directory's name: letters, digits, '.', '_' and '-'.
    static func suiteName(_ base: String) -> String {
        let cleaned = String(base.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "-" })
        return cleaned.isEmpty || cleaned.first == "." ? "project" : cleaned
    }

    /// Top-level Python packages (directories with `__init__.py`) at the root or under `src/`.
    static func pythonPackages(_ root: String) -> [String] {
        var out: [String] = []
        for base in ["", "src/"] {
            for d in list(root + "/" + base) where exists(root, base + d + "/__init__.py") && d != "tests" && d != "migrations" {
                out.append(base + d)
            }
        }
        return out
    }

    /// Whether `program` is an executable on PATH.
    public static func onPath(_ program: String) -> Bool {
        ProcessRunner.which(program, path: ProcessInfo.processInfo.environment["PATH"], cwd: "/") != nil
    }
}

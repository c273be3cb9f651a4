import Foundation
import GateTestSupport
import Testing

/// `write-baseline` on the built binary: `true` or a path in both verifiers that write baselines, and a
/// value of any other shape is a configuration error naming file, line and key (exit 2).
@Suite struct WriteBaselineEndToEndTests {
    /// A GitLab token shape with a random body, built at run time.
    static func token() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "glpat" + "-" + String((0..<20).map { _ in alphabet.randomElement()! })
    }

    static func suite(_ boundaries: String, _ secrets: String) -> String {
        """
        suite: b
        checks:
          - id: layers
            uses: boundaries
            with:
              rules:
                - independence: [pkg.alpha, pkg.beta]
        \(boundaries.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
          - id: keys
            uses: secrets
            with:
              all-files: true
        \(secrets.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))

        """
    }

    @Test func trueOrAPathInBothVerifiers() async throws {
        let dir = try TempDir("write-baseline-e2e")
        defer { dir.remove() }
        try dir.write(["pkg/__init__.py": "", "pkg/alpha.py": "import pkg.beta\n", "pkg/beta.py": "",
                       "ci.env": "TOKEN=\(Self.token())\n"])
        try dir.write(["gate.yaml": Self.suite("write-baseline: true", "write-baseline: true")])
        let wrote = try await Exec.gate(["run"], cwd: dir.path)
        #expect(wrote.code == 0, "\(wrote.stdout)\(wrote.stderr)")
        for name in ["boundaries", "secrets"] {
            #expect(FileManager.default.fileExists(atPath: dir.file(".gate/\(name)-baseline.json")), "\(name)")
            #expect(wrote.stdout.contains("set 'baseline: .gate/\(name)-baseline.json' so that later runs read it"),
                    "\(wrote.stdout)")
        }
        // git would keep the baselines: .gate/.gitignore lets them through.
        #expect(try dir.read(".gate/.gitignore").contains("!*-baseline.json"))

        try dir.write(["gate.yaml": Self.suite("baseline: .gate/boundaries-baseline.json", "baseline: .gate/secrets-baseline.json")])
        let known = try await Exec.gate(["run"], cwd: dir.path)
        #expect(known.code == 0, "\(known.stdout)\(known.stderr)")

        try dir.write(["gate.yaml": Self.suite("write-baseline: known-imports.json", "write-baseline: known-keys.json")])
        let byPath = try await Exec.gate(["run"], cwd: dir.path)
        #expect(byPath.code == 0, "\(byPath.stdout)\(byPath.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("known-imports.json")))
        #expect(FileManager.default.fileExists(atPath: dir.file("known-keys.json")))

        let adHoc = try await Exec.gate(["check", "secrets", "--set", "all-files=true", "--set", "write-baseline=true"], cwd: dir.path)
        #expect(adHoc.code == 0, "\(adHoc.stdout)\(adHoc.stderr)")

        try dir.write(["gate.yaml": Self.suite("write-baseline: [a]", "write-baseline: {a: b}")])
        let bad = try await Exec.gate(["validate"], cwd: dir.path)
        #expect(bad.code == 2, "\(bad.stdout)\(bad.stderr)")
        let text = bad.stdout + bad.stderr
        #expect(text.contains("gate.yaml:8:23") && text.contains("gate.yaml:13:23"), "\(text)")
        #expect(text.components(separatedBy: "true, false or a path").count == 3, "\(text)")
    }
}

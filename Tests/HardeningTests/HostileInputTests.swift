import Foundation
import GateTestSupport
import Testing

/// Hostile input for every verifier: symlink loops and escapes, newline and invalid-UTF-8 names, 10,000
/// nested directories, empty and 10 GB sparse files, traversal in OCI digests and checksum manifests.
/// Each run must end by itself with one of gate's exit codes, no crash, and a report that says why.
@Suite(.serialized) struct HostileInputTests {
    /// Runs one check from a suite and returns its status and what it said.
    func run(_ yaml: String, in dir: TempDir, label: String,
             sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> HostileOutcome {
        try dir.write(["suite.yaml": "suite: hostile\nchecks:\n" + yaml])
        let r = try await Exec.gate(["run", "suite.yaml", "--no-history", "--json", "r.json"], cwd: dir.path,
                                    timeout: .seconds(300))
        #expect(r.signal == nil && [0, 1, 3].contains(r.code), "\(label): exit \(r.code) signal \(r.signal ?? 0)\n\(r.stdout)\(r.stderr)",
                sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack dump"), "\(label): \(r.stderr)",
                sourceLocation: sourceLocation)
        let report = try Hardening.json(dir.file("r.json"))
        let check = (report["checks"] as? [[String: Any]])?.first ?? [:]
        let status = check["status"] as? String ?? "?"
        let findings = (check["findings"] as? [[String: Any]] ?? []).compactMap { f -> String? in
            guard let m = f["message"] as? String else { return nil }
            return "\(f["rule"] as? String ?? ""): \(m)"
        }
        let text = ([check["summary"] as? String ?? "", check["error"] as? String ?? ""] + findings).joined(separator: "\n")
        // An error must come with words, not silence.
        if status == "error" {
            #expect(!(check["summary"] as? String ?? "").isEmpty || !(check["error"] as? String ?? "").isEmpty,
                    "\(label): an error without a message", sourceLocation: sourceLocation)
        }
        print("hostile \(label): exit \(r.code), \(status): \(text.split(separator: "\n").prefix(3).joined(separator: " | ").prefix(300))")
        return HostileOutcome(code: r.code, status: status, text: text)
    }

    @Test func casChecksumManifestWithTraversalAndHostileTree() async throws {
        let dir = try TempDir("hostile-cas")
        defer { HostileTree.remove(dir) }
        try HostileTree.make(in: dir.path, sub: "store", ext: "bin", content: "x")
        let zero = String(repeating: "0", count: 16)
        try dir.write(["store/SUMS": """
            \(zero)  ok.bin
            \\\(zero)  new\\nline.bin
            \(zero)  empty.bin
            \(zero)  sparse.bin
            \(zero)  loop-a.bin
            \(zero)  escape-file.bin
            \(zero)  ../../../../../../etc/passwd
            \(zero)  /etc/passwd
            \(zero)  self-loop/self-loop/self-loop/ok.bin
            \(zero)  \(String(repeating: "d/", count: 10_000))deep.bin
            """])
        let o = try await run("  - {id: cas, uses: cas, with: {root: store, layout: checksums, manifest: SUMS, cache: false}}\n",
                              in: dir, label: "cas/checksums")
        #expect(o.status == "failed" || o.status == "error")
        #expect(o.text.contains("etc/passwd"), "\(o.text)")
    }

    @Test func casOCIDigestTraversal() async throws {
        let dir = try TempDir("hostile-oci")
        defer { HostileTree.remove(dir) }
        try HostileTree.make(in: dir.path, sub: "oci/blobs/sha256", ext: "json", content: "{}")
        let evil = ["sha256:../../../../etc/passwd", "sha256/../../../etc/passwd", "sha256:" + String(repeating: "a", count: 62) + "/..",
                    "../sha256:" + String(repeating: "b", count: 64), "sha256:\n" + String(repeating: "c", count: 63)]
        let descriptors = evil.map { "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\(jsonString($0)),\"size\":2}" }
        try dir.write(["oci/oci-layout": "{\"imageLayoutVersion\":\"1.0.0\"}",
                       "oci/index.json": "{\"schemaVersion\":2,\"manifests\":[\(descriptors.joined(separator: ","))]}"])
        let o = try await run("  - {id: oci, uses: cas, with: {root: oci, layout: oci, cache: false}}\n", in: dir, label: "cas/oci")
        #expect(o.status == "failed", "\(o.text)")
        #expect(o.text.contains("'/' or '..' is never allowed"), "\(o.text)")
        #expect(!o.text.contains("root:x:0:0"), "the traversal read /etc/passwd")
    }

    func jsonString(_ s: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [s]), as: UTF8.self).dropFirst().dropLast().description
    }

    @Test func migrationsDirectoryOfHostileFiles() async throws {
        let dir = try TempDir("hostile-mig")
        defer { HostileTree.remove(dir) }
        try HostileTree.make(in: dir.path, sub: "migrations", ext: "sql", content: "CREATE TABLE t (x int);\n") { i, stem in
            Array("V\(i)__".utf8) + stem
        }
        let o = try await run("  - {id: mig, uses: migrations, with: {directory: migrations, format: flyway}}\n",
                              in: dir, label: "migrations")
        #expect(o.status != "?", "\(o.text)")
    }

    @Test func boundariesOverHostileSources() async throws {
        let dir = try TempDir("hostile-bnd")
        defer { HostileTree.remove(dir) }
        try HostileTree.make(in: dir.path, sub: "app", ext: "py", content: "import os\nfrom app import x\nimport tests\n")
        try dir.write(["tests/__init__.py": "", "app/__init__.py": ""])
        let o = try await run("""
              - id: bnd
                uses: boundaries
                with:
                  rules:
                    - {name: no-tests, forbidden: {from: app, to: tests}}
            """ + "\n", in: dir, label: "boundaries")
        #expect(o.status != "?", "\(o.text)")
    }

    @Test func tenantIsolationOnHostileDatabaseFiles() async throws {
        let dir = try TempDir("hostile-tenant")
        defer { HostileTree.remove(dir) }
        try HostileTree.make(in: dir.path, sub: "db", ext: "sqlite", content: "not a database")
        for file in ["ok", "empty", "sparse", "loop-a", "escape-file"] {
            let name = "db/" + file + ".sqlite"
            let o = try await run("  - {id: t, uses: tenant-isolation, with: {database: '\(name)', tenant-column: tenant_id}}\n",
                                  in: dir, label: "tenant-isolation/\(file)")
            #expect(o.status == "error" || o.status == "failed" || o.status == "passed", "\(o.text)")
        }
    }

    @Test func determinismWithHostileOutputs() async throws {
        let dir = try TempDir("hostile-det")
        defer { HostileTree.remove(dir) }
        // The working tree itself is hostile (the verifier copies it), and the command writes a hostile
        // output tree on each run.
        try HostileTree.make(in: dir.path, sub: "src", ext: "txt", content: "input", sparse: false)
        try dir.write(["make.py": """
            import os
            os.makedirs("out", exist_ok=True)
            os.chdir("out")
            open("new\\nline.txt", "w").write("a")
            open(b"bad\\xff\\xfe.txt", "w").write("b")
            open("empty.txt", "w").close()
            with open("sparse.bin", "wb") as f: f.truncate(\(HostileTree.sparseSize))
            for a, b in (("loop-a", "loop-b"), ("loop-b", "loop-a")): os.symlink(a, b)
            os.symlink("/etc", "escape")
            os.symlink(".", "self-loop")
            for _ in range(10000):
                os.mkdir("d"); os.chdir("d")
            open("deep.txt", "w").write("deep")
            """])
        let o = try await run("""
              - id: det
                uses: determinism
                with:
                  command: rm -rf out; python3 make.py
                  outputs: [out]
                  runs: 2
            """ + "\n", in: dir, label: "determinism")
        #expect(o.status != "?", "\(o.text)")
    }

    @Test func commandWithHostileFindingsAndReports() async throws {
        let dir = try TempDir("hostile-cmd")
        defer { HostileTree.remove(dir) }
        try HostileTree.make(in: dir.path, ext: "xml", content: "<testsuites/>")
        var lines = [
            #"{"rule":"x/trav","message":"m","path":"../../../../etc/passwd","line":1}"#,
            #"{"rule":"x/abs","message":"m","path":"/etc/passwd"}"#,
            #"{"rule":"x/nl","message":"line\nbreak","path":"new\nline.xml","line":2}"#,
            #"{"rule":"x/deep","message":"m","path":""# + String(repeating: "d/", count: 10_000) + #"deep.xml"}"#,
            #"{"rule":"x/big","message":"m","path":"a","line":99999999999999999999999}"#,
        ].joined(separator: "\n") + "\n"
        lines += "{\"rule\":\"x/bad\",\"message\":\"m\",\"path\":\"bad\u{FFFD}\"}\n"
        try dir.write(["findings.jsonl": lines,
                       "r.sarif": #"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{"ruleId":"r","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"file:///etc/passwd"},"region":{"startLine":-5}}},{"physicalLocation":{"artifactLocation":{"uri":"../../../x"}}}]}]}]}"#])
        var raw = try Data(contentsOf: URL(fileURLWithPath: dir.file("findings.jsonl")))
        raw.append(contentsOf: [0x7B, 0x22, 0x72, 0x75, 0x6C, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x0A])
        try raw.write(to: URL(fileURLWithPath: dir.file("findings.jsonl")))
        let a = try await run("  - {id: c, run: 'cat findings.jsonl >> \"$GATE_FINDINGS\"'}\n", in: dir, label: "command/findings")
        // The plugin exited 0, but its un-waived error findings fail the check (issue 23); the findings (and
        // the invalid lines, as warnings) are kept.
        #expect(a.status == "failed", "\(a.text)")
        #expect(a.text.contains("'line' must be a positive integer") && a.text.contains("not valid JSON"), "\(a.text)")
        #expect(!a.text.contains("root:x:0"))
        let b = try await run("  - {id: c, run: 'true', with: {report: {format: junit, path: loop-a.xml}}}\n", in: dir, label: "command/junit-loop")
        #expect(b.status == "error" || b.status == "failed", "\(b.text)")
        let c = try await run("  - {id: c, run: 'true', with: {report: {format: sarif, path: r.sarif}}}\n", in: dir, label: "command/sarif-traversal")
        #expect(c.status == "passed" && c.text.contains("1 SARIF results"), "\(c.text)")
        let d = try await run("  - {id: c, run: 'true', with: {report: {format: junit, path: sparse.xml}}}\n", in: dir, label: "command/junit-sparse")
        // The command verifier fails a check for a missing report, not for an unreadable one (it says so).
        #expect(d.text.contains("larger than 256 MiB"), "\(d.text)")
    }

    /// A ~1 MB suite whose aliases would expand to 10^9 nodes: refused at load with exit 2.
    @Test func billionLaughsSuiteIsRefused() async throws {
        let dir = try TempDir("hostile-yaml")
        defer { dir.remove() }
        var yaml = "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n"
        for i in 1...9 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        // Pad to about 1 MB with a comment block, as a hostile file would.
        let pad = String(repeating: "# " + String(repeating: "lol", count: 40) + "\n", count: 8_200)
        yaml = pad + yaml + "checks:\n  - {id: x, run: 'true', env: {A: *a9}}\n"
        #expect(yaml.utf8.count > 1_000_000)
        try dir.write(["bomb.yaml": yaml])
        for args in [["run", "bomb.yaml"], ["validate", "bomb.yaml"]] {
            let r = try await Exec.gate(args, cwd: dir.path, timeout: .seconds(60))
            #expect(r.code == 2, "\(args): \(r.code)\n\(r.stderr)")
            #expect(r.stderr.contains("bomb.yaml:"), "\(r.stderr)")
            #expect(r.stderr.lowercased().contains("alias") || r.stderr.contains("nodes"), "\(r.stderr)")
            print("hostile yaml-bomb (\(args[0])): exit \(r.code): \(r.stderr.split(separator: "\n").first ?? "")")
        }
    }
}

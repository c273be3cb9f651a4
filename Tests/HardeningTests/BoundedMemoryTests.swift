import Foundation
import GateCore
import GateTestSupport
import Testing

/// Bounded memory (issue 19, section 4), on the built binary: what gate keeps of hostile findings, ingested
/// reports, stores and HTTP answers, and that every report says what it did not keep. The sizes are scaled
/// down here; `make hardening` (GATE_HARDENING=1) runs the issue's full sizes: a 200 MB message three
/// times over, 100,000 findings, 300,000 testcases, 1,000,000 objects and manifest entries, 200 MB of
/// headers. Peak RSS is printed, and asserted only loosely; Benchmarks/hostile measures it.
@Suite(.serialized) struct BoundedMemoryTests {
    static let full = Hardening.full

    /// "…[cut 1,234 bytes]" at the end of `text`: the number, or nil.
    static func cutMarker(_ text: String) -> Int? {
        guard let open = text.range(of: "…[cut ", options: .backwards), text.hasSuffix(" bytes]") else { return nil }
        let digits = text[open.upperBound...].dropLast(" bytes]".count).filter { $0 != "," }
        return Int(digits)
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? -1
    }

    static func reports(_ dir: TempDir, _ name: String = "suite") -> [String] {
        ["report.json", "junit.xml", "report.sarif", "report.md", "report.html"].map { dir.file("Reports/\(name)/\($0)") }
    }

    /// The ASan build's shadow memory adds a few hundred MiB of its own.
    static var looseLimitKB: Int { (ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil ? 400 : 1500) << 10 }

    static func dropped(_ check: [String: Any]) -> [(rule: String, severity: String, count: Int, waived: Int)] {
        (check["droppedFindings"] as? [[String: Any]] ?? []).map {
            ($0["rule"] as? String ?? "", $0["severity"] as? String ?? "", $0["count"] as? Int ?? 0, $0["waived"] as? Int ?? 0)
        }
    }

    /// One GATE_FINDINGS line with a 20 MB message and a 20 KB path, from three checks at once: each field
    /// is cut to 8 KiB while it is read, with a marker that counts what was cut, in every report.
    @Test func hugeFindingFieldsAreCutWhileReadAndInEveryReport() async throws {
        let mb = Self.full ? 200 : 20
        let check = { (id: String) in
            """
              - id: \(id)
                run: |
                  { printf '{"rule":"hostile/big","severity":"warning","path":"'; head -c 20000 /dev/zero | tr '\\0' p
                    printf '","line":3,"message":"'; head -c \(mb)000000 /dev/zero | tr '\\0' x; printf '"}\\n'; } >> "$GATE_FINDINGS"
            """
        }
        let dir = try Hardening.suite("checks:\n" + ["big-1", "big-2", "big-3"].map(check).joined(separator: "\n") + "\n")
        defer { dir.remove() }
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(["run", "suite.yaml", "--jobs", "3"], cwd: dir.path)
        print("bounded-memory big-message(3 x \(mb) MB): gate peak RSS \(peakKB / 1024) MiB, stdout \(r.stdout.utf8.count) bytes")
        // The plugins exit 0 with warnings: the checks pass (an error finding would fail them, issue 23).
        #expect(r.code == 0, "\(r.stdout.prefix(2000))")
        let report = try Hardening.json(dir.file("Reports/suite/report.json"))
        for (id, c) in Hardening.checks(report) {
            let findings = c["findings"] as? [[String: Any]] ?? []
            #expect(findings.count == 1, "\(id): \(findings.count) findings")
            let message = findings.first?["message"] as? String ?? ""
            let path = findings.first?["path"] as? String ?? ""
            #expect(message.utf8.count <= 8192 && path.utf8.count <= 8192, "\(id): \(message.utf8.count), \(path.utf8.count) bytes")
            // What was kept and what the marker says was cut add up to what the plugin sent.
            #expect(message.filter { $0 == "x" }.count + (Self.cutMarker(message) ?? -1) == mb * 1_000_000, "\(id): \(message.suffix(40))")
            #expect(path.filter { $0 == "p" }.count + (Self.cutMarker(path) ?? -1) == 20_000, "\(id): \(path.suffix(40))")
        }
        for file in Self.reports(dir) {
            #expect(Self.size(file) > 0 && Self.size(file) < 256 << 10, "\(file): \(Self.size(file)) bytes")
        }
        #expect(r.stdout.utf8.count < 256 << 10, "the console printed \(r.stdout.utf8.count) bytes")
        try await Self.validate(dir)
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// 20,000 findings of 2 KB over 10 rules (100,000 under `make hardening`): the first 1,000 of a rule and
    /// 5,000 of the check are kept, the rest counted by rule, and every report says so. A waiver of one
    /// rule covers its dropped findings too.
    @Test func manyFindingsAreKeptToTheLimitsAndCounted() async throws {
        let n = Self.full ? 100_000 : 20_000
        let dir0 = try TempDir("harden-many-input")
        defer { dir0.remove() }
        try await Self.gen(["many-findings", dir0.file("many.jsonl"), "\(n)", "2000"])
        let dir = try Hardening.suite("""
            checks:
              - id: many
                run: cat '\(dir0.file("many.jsonl"))' >> "$GATE_FINDINGS"; exit 1
            """, files: [".gate/waivers.yaml": """
            waivers:
              - rule: hostile/rule-0
                check: many
                reason: Accepted for the test.
                owner: test
                expires: \(Self.inDays(30))
            """])
        defer { dir.remove() }
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(["run", "suite.yaml"], cwd: dir.path)
        print("bounded-memory many-findings(\(n) x 2 KB): gate peak RSS \(peakKB / 1024) MiB")
        #expect(r.code == 1, "\(r.stdout.prefix(2000))")
        let c = try #require(Hardening.checks(try Hardening.json(dir.file("Reports/suite/report.json")))["many"])
        let findings = c["findings"] as? [[String: Any]] ?? []
        #expect(findings.count == 5_000)
        var kept: [String: Int] = [:]
        for f in findings { kept[f["rule"] as? String ?? "", default: 0] += 1 }
        #expect(kept.values.allSatisfy { $0 <= 1_000 }, "\(kept)")
        let dropped = Self.dropped(c)
        var droppedByRule: [String: Int] = [:]
        for d in dropped { droppedByRule[d.rule, default: 0] += d.count }
        for rule in (0..<10).map({ "hostile/rule-\($0)" }) {
            #expect((kept[rule] ?? 0) + (droppedByRule[rule] ?? 0) == n / 10, "\(rule): kept \(kept[rule] ?? 0)")
        }
        // The plugin exited 1 with findings: they decide the verdict, and its exit status is no finding of
        // its own (issue 23).
        #expect(!findings.contains { $0["rule"] as? String == "command/exit-status" })
        let total = n - 5_000
        #expect(dropped.reduce(0) { $0 + $1.count } == total)
        // The waiver covers rule-0's dropped findings too (the summary counts them); the other rules' do not.
        #expect(dropped.filter { $0.rule == "hostile/rule-0" }.allSatisfy { $0.waived == $0.count })
        #expect(dropped.filter { $0.rule != "hostile/rule-0" }.allSatisfy { $0.waived == 0 })
        #expect(c["status"] as? String == "failed")
        #expect((c["summary"] as? String ?? "").contains("(\(n / 10) waived)"), "\(c["summary"] ?? "")")
        let grouped = NumberText.grouped(total)
        #expect((c["summary"] as? String ?? "").contains("\(grouped) more findings not kept"), "\(c["summary"] ?? "")")
        // Every report says how many were not kept.
        let junit = try String(contentsOfFile: dir.file("Reports/suite/junit.xml"), encoding: .utf8)
        #expect(junit.contains("<property name=\"droppedFindings\" value=\"\(total)\"/>"))
        #expect(junit.contains("not kept by gate"))
        let sarif = try Hardening.json(dir.file("Reports/suite/report.sarif"))
        let run = (sarif["runs"] as? [[String: Any]])?.first
        #expect((run?["properties"] as? [String: Any])?["droppedFindings"] as? Int == total)
        let md = try String(contentsOfFile: dir.file("Reports/suite/report.md"), encoding: .utf8)
        #expect(md.contains("\(total) more that gate did not keep"))
        let html = try String(contentsOfFile: dir.file("Reports/suite/report.html"), encoding: .utf8)
        #expect(html.contains("\(total) more findings were not kept"))
        #expect(r.stdout.contains("\(grouped) more findings not kept"))
        try await Self.validate(dir)
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// A JUnit report of 30,000 failing testcases (300,000 under `make hardening`), read as a stream: the
    /// counts are whole, the findings kept are the first 1,000.
    @Test func ingestedJUnitIsStreamedAndCapped() async throws {
        let n = Self.full ? 300_000 : 30_000
        let input = try TempDir("harden-junit-input")
        defer { input.remove() }
        try await Self.gen(["junit", input.file("junit.xml"), "\(n)"])
        let dir = try Hardening.suite("""
            checks:
              - id: tests
                uses: command
                with:
                  run: [cp, '\(input.file("junit.xml"))', junit.xml]
                  report: {format: junit, path: junit.xml}
            """)
        defer { dir.remove() }
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(["run", "suite.yaml"], cwd: dir.path)
        print("bounded-memory junit(\(n) testcases): gate peak RSS \(peakKB / 1024) MiB")
        // Every testcase failed: the check fails on them although cp exited 0 (issue 23).
        #expect(r.code == 1, "\(r.stdout.prefix(2000))")
        let c = try #require(Hardening.checks(try Hardening.json(dir.file("Reports/suite/report.json")))["tests"])
        let stats = c["stats"] as? [String: Any] ?? [:]
        #expect(stats["tests"] as? Int == n && stats["testFailures"] as? Int == n)
        #expect((c["findings"] as? [[String: Any]])?.count == 1_000)
        #expect(Self.dropped(c).map(\.count) == [n - 1_000])
        #expect(Self.dropped(c).first?.rule == "command/test-failure")
        #expect(Self.size(dir.file("Reports/suite/report.json")) < 2 << 20)
        #expect(Self.size(dir.file("Reports/suite/junit.xml")) < 1 << 20)
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// A native store of 20,000 objects (1,000,000 under `make hardening`) whose bytes do not hash to their
    /// names: the summary counts every one, the report keeps 1,000.
    @Test func corruptNativeStoreKeepsTheFirstFindings() async throws {
        let n = Self.full ? 1_000_000 : 20_000
        let dir = try TempDir("harden-cas")
        defer { Self.removeTree(dir) }  // a million files: rm -rf is far faster than FileManager
        try await Self.gen(["cas-corrupt", dir.file("store"), "\(n)"])
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(
            ["check", "cas", "store", "--reports", "out", "--set", "cache=false"], cwd: dir.path)
        print("bounded-memory cas-corrupt(\(n) objects): gate peak RSS \(peakKB / 1024) MiB")
        #expect(r.code == 1, "\(r.stdout.prefix(2000))")
        let report = try Hardening.json(dir.file("out/report.json"))
        let c = try #require((report["checks"] as? [[String: Any]])?.first)
        #expect((c["findings"] as? [[String: Any]])?.count == 1_000)
        #expect(Self.dropped(c).map(\.rule) == ["cas/hash-mismatch"])
        #expect(Self.dropped(c).map(\.count) == [n - 1_000])
        #expect((c["summary"] as? String ?? "").contains("; \(n) problems"), "\(c["summary"] ?? "")")
        #expect((c["summary"] as? String ?? "").contains("\(NumberText.grouped(n - 1_000)) more findings not kept"))
        #expect(Self.size(dir.file("out/report.json")) < 2 << 20)
        try await SchemaCheck.report(dir.file("out/report.json"))
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// A `checksums` manifest of 20,000 entries (1,000,000 under `make hardening`) of which 1,000 files
    /// exist (one of them changed) and the rest are missing: the index finds each, the missing ones are
    /// counted past the first 1,000.
    @Test func checksumsManifestIsIndexedAndItsFindingsCapped() async throws {
        let n = Self.full ? 1_000_000 : 20_000
        let dir = try TempDir("harden-sums")
        defer { dir.remove() }
        try await Self.gen(["checksums-sparse", dir.path, "\(n)", "1000"])
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(
            ["check", "cas", ".", "--reports", "out", "--set", "layout=checksums", "--set", "manifest=SHA256SUMS",
             "--set", "cache=false", "--set", "exclude=[out/**]"], cwd: dir.path)
        print("bounded-memory checksums(\(n) entries): gate peak RSS \(peakKB / 1024) MiB")
        #expect(r.code == 1, "\(r.stdout.prefix(2000))")
        let c = try #require((try Hardening.json(dir.file("out/report.json"))["checks"] as? [[String: Any]])?.first)
        let findings = c["findings"] as? [[String: Any]] ?? []
        #expect(findings.filter { $0["rule"] as? String == "cas/hash-mismatch" }.map { $0["path"] as? String } == ["files/f0000007"])
        #expect(findings.filter { $0["rule"] as? String == "cas/missing-object" }.count == 1_000)
        #expect(Self.dropped(c).map(\.rule) == ["cas/missing-object"])
        #expect(Self.dropped(c).map(\.count) == [n - 2_000])
        #expect((c["stats"] as? [String: Any])?["objects"] as? Int == 1_000)
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// A service that answers with 2 MB of headers (200 MB under `make hardening`): gate stops reading at
    /// 256 KiB and says so, instead of holding them.
    @Test func tenantIsolationRefusesOversizedHeaders() async throws {
        let mb = Self.full ? 200 : 2
        let dir = try TempDir("harden-headers")
        defer { dir.remove() }
        let server = try Self.spawn(["python3", Repo.path("Benchmarks/hostile/gen.py"), "header-server", dir.file("port"), "\(mb)"])
        // SIGKILL: the test runner's children may inherit an ignored or blocked SIGTERM.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        #expect(try await Hardening.until(20) { FileManager.default.fileExists(atPath: dir.file("port")) })
        let port = try String(contentsOfFile: dir.file("port"), encoding: .utf8)
        try dir.write(["suite.yaml": """
            env: {TOKEN_ACME: "a-\(UUID().uuidString)", TOKEN_GLOBEX: "g-\(UUID().uuidString)"}
            checks:
              - id: tenancy
                uses: tenant-isolation
                with:
                  base-url: http://127.0.0.1:\(port)
                  tenants:
                    - {name: acme, token-env: TOKEN_ACME}
                    - {name: globex, token-env: TOKEN_GLOBEX}
                  resources:
                    - {path: "/items/{id}", ids: {acme: [1], globex: [2]}}
                  malformed-ids: false
            """])
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(["run", "suite.yaml"], cwd: dir.path)
        print("bounded-memory http-headers(\(mb) MB): gate peak RSS \(peakKB / 1024) MiB")
        let c = try #require(Hardening.checks(try Hardening.json(dir.file("Reports/suite/report.json")))["tenancy"])
        let findings = c["findings"] as? [[String: Any]] ?? []
        #expect(r.code == 1, "\(r.stdout.prefix(2000))")
        #expect(findings.contains { ($0["message"] as? String ?? "").contains("the response headers pass 256 KiB") },
                "\(findings.map { $0["message"] ?? "" })")
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// A version-4 `.git/index` of 0.5 MB whose 4,096 sorted paths share one 256 KiB prefix (v4 stores the
    /// prefix once, each later entry says "keep all but the last 4 bytes"): 1 GiB of path text once every
    /// entry is spelled out. git holds it all too (read-cache.c create_from_disk gives each entry its whole
    /// name: git fsck peaks at 1 GiB on it); gate keeps what a finding shows of each path (it peaked at
    /// 1,066 MiB). The index is valid, so the check passes.
    @Test func aPathCompressedIndexDoesNotMultiplyIntoMemory() async throws {
        let dir = try TempDir("harden-index")
        defer { dir.remove() }
        try await Exec.git(["init", "-q", "."], in: dir.path)
        try dir.write(["blob.txt": "indexed\n"])
        let blob = try await Exec.git(["hash-object", "-w", "blob.txt"], in: dir.path).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let id = stride(from: 0, to: blob.count, by: 2).map { i -> UInt8 in
            let s = blob.index(blob.startIndex, offsetBy: i)
            return UInt8(blob[s..<blob.index(s, offsetBy: 2)], radix: 16)!
        }
        let prefix = [UInt8](repeating: UInt8(ascii: "p"), count: 256 << 10)
        let n = 4_096
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        var index = Array("DIRC".utf8) + be32(4) + be32(n)
        for i in 0..<n {
            // ctime, mtime, dev, ino; mode 100644; uid, gid, size; the id; flags (name length 0xFFF: "long").
            index += [UInt8](repeating: 0, count: 16) + be32(0) + be32(0) + be32(0o100644) + be32(0) + be32(0) + be32(8)
            index += id + [0x0f, 0xff]
            let suffix = Array(String(format: "%04x", i).utf8)
            // git's varint of the bytes to strip from the previous name (0 or 4 here: one byte), then the rest.
            index += i == 0 ? [0] + prefix + suffix + [0] : [4] + suffix + [0]
        }
        index += [UInt8](repeating: 0, count: 20)  // index.skipHash: no checksum
        try Data(index).write(to: URL(fileURLWithPath: dir.file(".git/index")))
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(
            ["check", "cas", ".", "--set", "layout=git", "--set", "cache=false"], cwd: dir.path)
        print("bounded-memory git-index(\(n) x 256 KiB paths): gate peak RSS \(peakKB / 1024) MiB")
        #expect(r.code == 0, "\(r.stdout.prefix(2000))")
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// A loose `.gitattributes` blob of 400 MB of zeros (a 1.7 MB file): too large to parse, as git fsck says
    /// from the object's header (fsck.c fsck_blob, 'gitattributesLarge') without inflating it. gate inflated
    /// the whole blob into memory before comparing its size with the 100 MB limit (peak RSS 1 GiB for a
    /// 600 MB blob); it now stops at the header.
    @Test func aLooseBlobBeyondTheSpecialBlobLimitIsNotInflatedIntoMemory() async throws {
        let dir = try TempDir("harden-attributes")
        defer { dir.remove() }
        try await Exec.git(["init", "-q", "."], in: dir.path)
        let id = try await Exec.run(["sh", "-c", "head -c 400000000 /dev/zero | git hash-object -w --stdin"], cwd: dir.path)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await Exec.git(["update-index", "--add", "--cacheinfo", "100644,\(id),.gitattributes"], in: dir.path)
        let tree = try await Exec.git(["write-tree"], in: dir.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = try await Exec.git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit-tree", "-m", "x", tree],
                                        in: dir.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try await Exec.git(["update-ref", "refs/heads/main", commit], in: dir.path)
        try await Exec.git(["symbolic-ref", "HEAD", "refs/heads/main"], in: dir.path)
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(
            ["check", "cas", ".", "--set", "layout=git", "--set", "cache=false"], cwd: dir.path)
        print("bounded-memory git-attributes(400 MB loose blob): gate peak RSS \(peakKB / 1024) MiB")
        #expect(r.code == 1, "\(r.stdout.prefix(2000))")
        #expect(r.stdout.contains("blob \(id): gitattributesLarge: .gitattributes too large to parse"), "\(r.stdout.prefix(2000))")
        #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "gate's peak RSS was \(peakKB) KiB")
    }

    /// OCI layouts whose index.json, or an index blob it names (valid: named by its sha256), is a sparse
    /// file of 1 GB taking no disk: each is refused as larger than the 4 MiB registries accept for a
    /// manifest (distribution's maxManifestBodySize, containers/image's MaxManifestBodySize) instead of
    /// being read whole (peak RSS 1.5 GiB for the blob).
    @Test func anOCIIndexLargerThanAnyManifestIsNotReadIntoMemory() async throws {
        let size = 1_000_000_000
        let digest = try await Exec.run(["sh", "-c", "head -c \(size) /dev/zero | sha256sum"], cwd: "/").stdout.prefix(64)
        let type = "application/vnd.oci.image.index.v1+json"
        let cases = [
            ("blob", #"{"schemaVersion": 2, "manifests": [{"mediaType": "\#(type)", "digest": "sha256:\#(digest)", "size": \#(size)}]}"#,
             "blobs/sha256/\(digest)"),
            ("index.json", "", "index.json"),
        ]
        for (label, index, sparse) in cases {
            let dir = try TempDir("harden-oci")
            defer { dir.remove() }
            try dir.write(["oci-layout": #"{"imageLayoutVersion": "1.0.0"}"#, "index.json": index])
            try FileManager.default.createDirectory(atPath: dir.file("blobs/sha256"), withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: dir.file(sparse), contents: nil) && truncate(dir.file(sparse), off_t(size)) == 0)
            let (r, peakKB) = try await Hardening.gateWithPeakRSS(
                ["check", "cas", ".", "--set", "layout=oci", "--set", "cache=false"], cwd: dir.path)
            print("bounded-memory oci-\(label)(1 GB sparse): gate peak RSS \(peakKB / 1024) MiB")
            #expect(r.code == 1, "\(label): \(r.stdout.prefix(2000))")
            #expect(r.stdout.contains("'\(sparse)': is 1000000000 bytes, more than the 4 MiB registries accept for an index or manifest"),
                    "\(label): \(r.stdout.prefix(2000))")
            #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "\(label): gate's peak RSS was \(peakKB) KiB")
        }
    }

    /// A commit-graph, a pack idx and a `.git/index` that are sparse files of 1 GB (no disk; the index with
    /// a real header and a checksum): each is refused from what can be read without holding it (the
    /// checksums, streamed; the idx's object count against its size) instead of being read whole first
    /// (each took gate to about the file's size resident; git fsck rejects them from a few pages).
    @Test func sparseGitIndexFilesAreNotReadIntoMemory() async throws {
        let size = 1_000_000_000
        for which in ["commit-graph", "idx", "index"] {
            let dir = try TempDir("harden-git-aux")
            defer { dir.remove() }
            try await Exec.git(["init", "-q", "."], in: dir.path)
            try dir.write(["a.txt": "a\n"])
            try await Exec.git(["add", "a.txt"], in: dir.path)
            try await Exec.git(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x"], in: dir.path)
            try await Exec.git(["gc", "-q"], in: dir.path)
            let target: String
            if which == "commit-graph" {
                target = dir.file(".git/objects/info/commit-graph")
            } else if which == "index" {
                target = dir.file(".git/index")
            } else {
                let packs = dir.file(".git/objects/pack")
                let idx = try FileManager.default.contentsOfDirectory(atPath: packs).first { $0.hasSuffix(".idx") }!
                target = packs + "/" + idx
            }
            try? FileManager.default.removeItem(atPath: target)
            let header = which == "index" ? Data("DIRC".utf8) + Data([0, 0, 0, 2, 0, 0, 0, 1]) : Data()
            #expect(FileManager.default.createFile(atPath: target, contents: header) && truncate(target, off_t(size)) == 0)
            if which == "index", let h = FileHandle(forWritingAtPath: target) {
                try h.seek(toOffset: UInt64(size - 20))
                try h.write(contentsOf: Data(repeating: 1, count: 20))  // a checksum, so not index.skipHash
                try h.close()
            }
            let (r, peakKB) = try await Hardening.gateWithPeakRSS(
                ["check", "cas", ".", "--set", "layout=git", "--set", "cache=false", "-v"], cwd: dir.path)
            print("bounded-memory git-\(which)(1 GB sparse): gate peak RSS \(peakKB / 1024) MiB")
            #expect(r.code == 1, "\(which): \(r.stdout.prefix(2000))")
            let expected = ["commit-graph": "not the checksum it ends with", "idx": "objects need exactly 1064 (truncated or padded)",
                            "index": "does not match its checksum (git: 'index file corrupt')"][which]!
            #expect(r.stdout.contains(expected), "\(which): \(r.stdout.prefix(2000))")
            // No object could be read: the summary has no empty note for the count by type.
            #expect(!r.stdout.contains("; ;"), "\(which): \(r.stdout.prefix(400))")
            #expect(peakKB > 0 && peakKB < Self.looseLimitKB, "\(which): gate's peak RSS was \(peakKB) KiB")
        }
    }

    // MARK: - Inputs

    static func inDays(_ days: Int) -> String {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date().addingTimeInterval(Double(days) * 86_400))
    }

    /// Removes a large tree with `rm -rf`, waiting for it.
    static func removeTree(_ dir: TempDir) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/rm")
        p.arguments = ["-rf", dir.path]
        if (try? p.run()) != nil { p.waitUntilExit() }
        dir.remove()
    }

    /// Starts a program without waiting for it (a server).
    static func spawn(_ argv: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// The run's JSON, JUnit and SARIF reports against their schemas.
    static func validate(_ dir: TempDir) async throws {
        try await SchemaCheck.report(dir.file("Reports/suite/report.json"))
        try await SchemaCheck.junit(dir.file("Reports/suite/junit.xml"))
        try await SchemaCheck.sarif(dir.file("Reports/suite/report.sarif"))
    }

    /// Runs Benchmarks/hostile/gen.py, the generator the benchmark uses too.
    static func gen(_ args: [String]) async throws {
        let r = try await Exec.run(["python3", Repo.path("Benchmarks/hostile/gen.py")] + args, timeout: .seconds(3600))
        #expect(r.code == 0, "gen.py \(args.joined(separator: " ")): \(r.stderr)")
    }
}

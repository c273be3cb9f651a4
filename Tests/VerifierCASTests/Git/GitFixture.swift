import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// Real repositories made by `git` for the git-layout tests, the reference verdict of `git fsck --full
/// --strict` on them, and the comparison of gate's verdict with it.
struct GitFixture {
    let dir: TempDir
    let format: String

    var path: String { dir.path }
    var width: Int { format == "sha256" ? 32 : 20 }
    var algorithm: HashAlgorithm { format == "sha256" ? .sha256 : .sha1 }

    /// A repository with a few commits, a subdirectory, a branch and an annotated tag.
    static func make(_ format: String = "sha1", commits: Int = 3) async throws -> GitFixture {
        let dir = try TempDir("git-fsck")
        let f = GitFixture(dir: dir, format: format)
        try await f.git("init", "-q", "--object-format=\(format)", ".")
        try await f.git("config", "gc.auto", "0")
        for i in 1...commits {
            try dir.write(["README.md": "readme \(i)\n", "src/main.c": String(repeating: "int x\(i);\n", count: 50 + i),
                           "docs/guide-\(i).txt": "chapter \(i)\n"])
            try await f.git("add", "-A")
            try await f.git("commit", "-q", "-m", "commit \(i)")
        }
        try await f.git("branch", "side", "HEAD~1")
        try await f.git("tag", "-a", "-m", "release", "v1")
        return f
    }

    func remove() { dir.remove() }

    @discardableResult
    func git(_ args: String...) async throws -> Completed { try await Exec.git(args, in: path) }

    func rev(_ spec: String) async throws -> String {
        try await Exec.git(["rev-parse", spec], in: path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git hash-object -w` of raw bytes, `--literally` so that malformed objects can be written.
    func writeObject(_ type: String, _ bytes: [UInt8]) async throws -> String {
        let file = path + "/.git/obj-\(UUID().uuidString.prefix(6))"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try await Exec.git(["hash-object", "-t", type, "--literally", "-w", file], in: path).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Inverts every bit of one byte of a file.
    static func flip(_ file: String, at offset: Int) throws {
        chmod(file, 0o644)
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        b[offset] ^= 0xff
        try Data(b).write(to: URL(fileURLWithPath: file))
    }

    /// Inverts each byte of `file` in turn and runs gate; returns the offsets where gate found no error.
    /// The file is restored afterwards.
    func undetectedFlips(of file: String) async throws -> [Int] {
        chmod(file, 0o644)
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        defer { try? original.write(to: URL(fileURLWithPath: file)) }
        var missed: [Int] = []
        for offset in 0..<original.count {
            var b = [UInt8](original)
            b[offset] ^= 0xff
            try Data(b).write(to: URL(fileURLWithPath: file))
            if CASHarness.errors(try await gate()).isEmpty { missed.append(offset) }
        }
        return missed
    }

    /// `git gc`, then the pack's idx rewritten by `git index-pack <option>` (the commit-graph removed, so
    /// that only the pack and its idx are read).
    func packedWithIndex(_ option: String) async throws -> (pack: String, idx: String) {
        try await git("gc", "-q")
        try? FileManager.default.removeItem(atPath: path + "/.git/objects/info/commit-graph")
        let pack = try packs()[0]
        let idx = String(pack.dropLast(5)) + ".idx"
        chmod(idx, 0o644)
        try FileManager.default.removeItem(atPath: idx)
        try await git("index-pack", option, "-o", idx, pack)
        return (pack, idx)
    }

    func loosePath(_ hex: String) -> String { path + "/.git/objects/" + hex.prefix(2) + "/" + hex.dropFirst(2) }

    func packs(_ suffix: String = ".pack") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path + "/.git/objects/pack").filter { $0.hasSuffix(suffix) }.sorted()
            .map { path + "/.git/objects/pack/" + $0 }
    }

    /// Packs every object except `omit` into one pack and removes everything else: a packed repository
    /// with exactly those objects missing.
    func repackWithout(_ omit: Set<String>) async throws {
        let list = try await Exec.run(["sh", "-c", "git rev-list --objects --all --reflog --indexed-objects | cut -d' ' -f1 | sort -u"],
                                      cwd: path, env: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": path]).stdout
        let keep = list.split(separator: "\n").map(String.init).filter { !omit.contains($0) }
        let input = path + "/.git/keep-list"
        try (keep.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let fresh = path + "/.git/fresh-pack"
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        let r = try await Exec.run(["sh", "-c", "git pack-objects -q .git/fresh-pack/pack < .git/keep-list >/dev/null"], cwd: path,
                                   env: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": path])
        #expect(r.code == 0, "pack-objects: \(r.stderr)")
        try FileManager.default.removeItem(atPath: input)
        for p in try packs() + packs(".idx") + packs(".rev") + packs(".bitmap") { try FileManager.default.removeItem(atPath: p) }
        try? FileManager.default.removeItem(atPath: path + "/.git/objects/info/commit-graph")
        for sub in try FileManager.default.contentsOfDirectory(atPath: path + "/.git/objects") where sub.count == 2 {
            try FileManager.default.removeItem(atPath: path + "/.git/objects/" + sub)
        }
        for f in try FileManager.default.contentsOfDirectory(atPath: fresh) {
            try FileManager.default.moveItem(atPath: fresh + "/" + f, toPath: path + "/.git/objects/pack/" + f)
        }
        try FileManager.default.removeItem(atPath: fresh)
    }

    /// `git fsck --full --strict`, the reference verdict. Memory and time are capped: git's own delta
    /// resolution never ends on a delta cycle, which then counts as a failure (a killed git).
    func fsck(strict: Bool = true) async throws -> (failed: Bool, output: String) {
        let cmd = "ulimit -v 2000000; exec git fsck --full \(strict ? "--strict" : "")"
        let r = try await Exec.run(["sh", "-c", cmd], cwd: path, env: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": path, "LC_ALL": "C"],
                                   timeout: .seconds(30))
        return (r.code != 0, r.stdout + r.stderr)
    }

    func gate(_ with: [String: Any] = [:]) async throws -> CheckOutcome {
        var w = with
        w["layout"] = "git"
        if w["cache"] == nil { w["cache"] = false }
        return try await CASHarness.run(path, w, state: path + "/.git/gate-state")
    }

    /// Gate's verdict (failing or not) must equal git's, and both must name every object in `names`.
    func expectParity(_ o: CheckOutcome, _ git: (failed: Bool, output: String), names: [String] = [],
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let errors = CASHarness.errors(o)
        #expect(!errors.isEmpty == git.failed, "gate: \(o.findings.map(\.message))\ngit fsck: \(git.output)",
                sourceLocation: sourceLocation)
        let gateText = o.findings.map { $0.message + " " + ($0.evidence ?? [:]).values.joined(separator: " ") }.joined(separator: "\n")
        for hex in names {
            #expect(git.output.contains(hex), "git fsck does not name \(hex): \(git.output)", sourceLocation: sourceLocation)
            #expect(gateText.contains(hex), "gate does not name \(hex): \(gateText)", sourceLocation: sourceLocation)
        }
    }
}

/// Writes packs and their version-2 indexes byte by byte, for the corruptions `git` itself never writes
/// (deltas against absent bases, delta cycles, thin packs, an idx that lies about an object's id).
/// zlib streams use stored (uncompressed) deflate blocks, which every inflater reads.
enum PackWriter {
    enum Entry {
        case object(type: UInt8, data: [UInt8], id: [UInt8])
        /// A REF_DELTA: `result` expressed as an insert-only delta against a base of `baseSize` bytes.
        case refDelta(base: [UInt8], baseSize: Int, result: [UInt8], id: [UInt8])
        /// An entry's bytes as given (header included), for headers no well-formed writer makes.
        case raw(bytes: [UInt8], id: [UInt8])
    }

    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65_535, data.count - i)
            let final: UInt8 = i + n == data.count ? 1 : 0
            out.append(final)
            out += [UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            out += data[i..<(i + n)]
            i += n
        } while i < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for c in data { a = (a + UInt32(c)) % 65_521; b = (b + a) % 65_521 }
        let adler = b << 16 | a
        out += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xff), UInt8((adler >> 8) & 0xff), UInt8(adler & 0xff)]
        return out
    }

    static func varint(_ v: Int) -> [UInt8] {
        var out: [UInt8] = []
        var n = v
        repeat {
            var c = UInt8(n & 0x7f)
            n >>= 7
            if n > 0 { c |= 0x80 }
            out.append(c)
        } while n > 0
        return out
    }

    static func header(_ type: UInt8, _ size: Int) -> [UInt8] {
        var out: [UInt8] = []
        var c = type << 4 | UInt8(size & 15)
        var n = size >> 4
        while n > 0 {
            out.append(c | 0x80)
            c = UInt8(n & 0x7f)
            n >>= 7
        }
        out.append(c)
        return out
    }

    static func insertDelta(baseSize: Int, result: [UInt8]) -> [UInt8] {
        var d = varint(baseSize) + varint(result.count)
        var i = 0
        while i < result.count {
            let n = min(127, result.count - i)
            d.append(UInt8(n))
            d += result[i..<(i + n)]
            i += n
        }
        return d
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for byte in data {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xedb8_8320 : c >> 1 }
        }
        return ~c
    }

    static func objectID(_ type: String, _ data: [UInt8], _ algorithm: HashAlgorithm) -> [UInt8] {
        ContentHash.hash(Array("\(type) \(data.count)\0".utf8) + data, algorithm).bytes
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

    /// Writes `pack-<checksum>.pack` and `.idx` into `directory`; returns the pack path.
    @discardableResult
    static func write(_ entries: [Entry], to directory: String, algorithm: HashAlgorithm) throws -> String {
        var body = Array("PACK".utf8) + be32(2) + be32(UInt32(entries.count))
        var index: [(id: [UInt8], offset: Int, crc: UInt32)] = []
        for e in entries {
            let offset = body.count
            var bytes: [UInt8]
            let id: [UInt8]
            switch e {
            case .object(let type, let data, let i):
                bytes = header(type, data.count) + zlibStored(data)
                id = i
            case .refDelta(let base, let baseSize, let result, let i):
                let delta = insertDelta(baseSize: baseSize, result: result)
                bytes = header(7, delta.count) + base + zlibStored(delta)
                id = i
            case .raw(let b, let i):
                bytes = b
                id = i
            }
            body += bytes
            index.append((id, offset, crc32(bytes)))
        }
        let checksum = ContentHash.hash(body, algorithm).bytes
        let pack = body + checksum
        index.sort { $0.id.lexicographicallyPrecedes($1.id) }
        var idx: [UInt8] = [0xff, 0x74, 0x4f, 0x63] + be32(2)
        var fan = [UInt32](repeating: 0, count: 256)
        for e in index { fan[Int(e.id[0])] += 1 }
        var total: UInt32 = 0
        for i in 0..<256 { total += fan[i]; idx += be32(total) }
        for e in index { idx += e.id }
        for e in index { idx += be32(e.crc) }
        for e in index { idx += be32(UInt32(e.offset)) }
        idx += checksum
        idx += ContentHash.hash(idx, algorithm).bytes
        let name = directory + "/pack-" + Hex.encode(checksum)
        try Data(pack).write(to: URL(fileURLWithPath: name + ".pack"))
        try Data(idx).write(to: URL(fileURLWithPath: name + ".idx"))
        return name + ".pack"
    }

    /// Rewrites a pack's trailer and its idx (the pack checksum and the idx's own) after bytes changed,
    /// so that only the object-level checks can notice.
    static func reseal(pack: String, algorithm: HashAlgorithm) throws {
        let w = algorithm.digestLength
        var p = [UInt8](try Data(contentsOf: URL(fileURLWithPath: pack)))
        let sum = ContentHash.hash(Array(p[..<(p.count - w)]), algorithm).bytes
        p.replaceSubrange((p.count - w)..., with: sum)
        try Data(p).write(to: URL(fileURLWithPath: pack))
        let idxPath = String(pack.dropLast(5)) + ".idx"
        var idx = [UInt8](try Data(contentsOf: URL(fileURLWithPath: idxPath)))
        idx.replaceSubrange((idx.count - 2 * w)..<(idx.count - w), with: sum)
        idx.replaceSubrange((idx.count - w)..., with: ContentHash.hash(Array(idx[..<(idx.count - w)]), algorithm).bytes)
        try Data(idx).write(to: URL(fileURLWithPath: idxPath))
    }
}

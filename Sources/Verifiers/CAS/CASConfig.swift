import ContentHash
import Foundation
import GateCore

/// The store layouts the cas verifier understands.
enum Layout: String, CaseIterable, Sendable {
    case auto, native, oci, git, bazel, named, checksums
}

/// A cas check's `with:` block, validated at load time.
struct CASConfig: Sendable {
    var layout: Layout
    var algorithm: HashAlgorithm?
    var manifest: String?
    var exclude: [Glob]
    var full: Bool
    var cache: Bool
    /// Out of 10,000.
    var sampleBasisPoints: Int
    var snapshot: String?
    var baseline: String?
    var threads: Int
    var verifyPack: String
    /// git: `git fsck --strict` (warnings are errors), the reflogs as heads, dangling objects reported.
    var strict: Bool
    var reflogs: Bool
    var dangling: Bool

    init(_ p: Parameters) throws(ConfigError) {
        layout = try p.oneOf("layout", default: Layout.auto)
        if let name = try p.string("algorithm") {
            guard let a = HashAlgorithm(name: name) else {
                let hint = name.lowercased().hasPrefix("blake") ? " (BLAKE3 is not supported: no BLAKE3 library is available)" : ""
                throw p.error("algorithm", "unsupported algorithm '\(name)'\(hint); use one of "
                              + HashAlgorithm.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
            }
            algorithm = a
        }
        manifest = try p.path("manifest")
        if layout == .checksums && manifest == nil {
            throw .missingKey(p.location, key: "manifest", context: "a 'cas' check with 'layout: checksums'")
        }
        exclude = try p.stringList("exclude").map(Glob.init)
        full = try p.bool("full", default: false)
        cache = try p.bool("cache", default: true)
        sampleBasisPoints = try Self.sample(p)
        snapshot = try p.path("snapshot")
        baseline = try p.path("baseline")
        if sampleBasisPoints < 10_000 && (snapshot != nil || baseline != nil) {
            throw p.error("sample", "a sample cannot be combined with 'snapshot' or 'baseline', which need every digest")
        }
        threads = try p.int("threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
        verifyPack = try p.string("verify-pack", default: "false")
        guard ["auto", "true", "false"].contains(verifyPack) else {
            throw p.error("verify-pack", "must be 'auto', 'true' or 'false', got '\(verifyPack)'")
        }
        strict = try p.bool("strict", default: true)
        reflogs = try p.bool("reflogs", default: true)
        dangling = try p.bool("dangling", default: true)
    }

    /// `5%`, `0.05` or `100%`.
    private static func sample(_ p: Parameters) throws(ConfigError) -> Int {
        guard let text = try p.string("sample") else { return 10_000 }
        let t = text.trimmingCharacters(in: .whitespaces)
        let value: Double?
        if t.hasSuffix("%") { value = Double(t.dropLast()).map { $0 / 100 } } else { value = Double(t) }
        guard let v = value, v > 0, v <= 1 else {
            throw p.error("sample", "must be a percentage such as '5%' (more than 0, at most 100), got '\(text)'")
        }
        return max(1, Int((v * 10_000).rounded()))
    }

    func excluded(_ reportPath: String) -> Bool { Glob.any(exclude, reportPath) }
}

/// Names and paths shared by the layouts.
enum StoreNames {
    /// Concrete (not generic over StringProtocol) because it runs for every object: the generic version
    /// spent more time in value witnesses than the kernel spent in stat(2).
    static func isHex(_ s: String, count: Int) -> Bool {
        var copy = s
        return copy.withUTF8 { isHex($0, count: count) }
    }

    static func isHex(_ s: Substring, count: Int) -> Bool {
        var copy = s
        return copy.withUTF8 { isHex($0, count: count) }
    }

    static func isHex(_ b: UnsafeBufferPointer<UInt8>, count: Int) -> Bool {
        guard b.count == count else { return false }
        for c in b where !((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) { return false }
        return true
    }

    /// Leftovers of interrupted writes: gate's own `.<name>.tmp-*` and `*.tmp`, git's `tmp_obj_*`,
    /// `tmp_pack_*` and `tmp_idx_*`, and the common `*.part` / `*.partial`.
    static func isTemporary(_ name: String) -> Bool {
        name.hasSuffix(".tmp") || name.contains(".tmp-") || name.hasSuffix(".part") || name.hasSuffix(".partial")
            || name.hasPrefix("tmp_") || (name.hasPrefix(".") && name.contains(".tmp"))
    }

    static func join(_ dir: String, _ name: String) -> String { dir.isEmpty ? name : dir + "/" + name }

    static func lastComponent(_ dir: String) -> Substring {
        dir.split(separator: "/").last ?? ""
    }

    static func isDirectory(_ path: String) -> Bool { FileStat.of(path)?.isDirectory == true }

    static func isFile(_ path: String) -> Bool { FileStat.of(path)?.isRegularFile == true }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }
}

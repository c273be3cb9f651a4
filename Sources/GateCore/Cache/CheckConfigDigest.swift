import ContentHash
import Foundation

extension CheckSpec {
    /// A digest of how the suite configures this check (verifier, `with:`, cwd, env, timeout, needs,
    /// required, cache inputs), without reading any input file. The history stores it with each run, so
    /// that `gate history` can tell a check whose outcome changed because its configuration did from a
    /// flaky one.
    public var configDigest: String {
        var out = KeyBytes()
        out.field("gate-check-config/1")
        out.field(verifierID)
        CacheKeyBuilder.encode(mapping: parameters.values.map { ($0.key, $0.value) }, into: &out)
        out.field(cwd ?? "-")
        for (k, v) in env.sorted(by: { $0.key < $1.key }) { out.field(k); out.field(v) }
        out.field("timeout")
        out.field(timeout.map { String(describing: $0) } ?? "-")
        out.field("needs")
        for n in needs { out.field(n) }
        out.field(required ? "required" : "advisory")
        out.field("inputs")
        for i in cache.inputs ?? [] { out.field(i) }
        return String(ContentHash.hash(out.bytes, .xxh3_128).hex.prefix(16))
    }
}

extension WaiverFile {
    /// A short digest of the file's bytes, nil when there is no file.
    public static func digest(path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(ContentHash.hash([UInt8](data), .xxh3_128).hex.prefix(16))
    }
}

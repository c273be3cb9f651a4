import CXXHash
import Crypto

/// The hash a ledger's records and chain use (`algorithm:`). SHA-256 and SHA-512 come from swift-crypto
/// (BoringSSL, with the CPU's SHA extensions where it has them), XXH3-128 from the system libxxhash.
/// BLAKE3 is not offered: no C library of it is packaged here (only the `b3sum` command).
enum LedgerAlgorithm: String, CaseIterable, Sendable {
    case sha256
    case sha512
    case xxh3_128 = "xxh3-128"

    /// Accepts `sha-256`, `SHA256`, `xxh128` and the like.
    init?(name: String) {
        switch String(name.lowercased().map { $0 == "_" ? "-" : $0 }) {
        case "sha256", "sha-256": self = .sha256
        case "sha512", "sha-512": self = .sha512
        case "xxh3-128", "xxh128", "xxh3128": self = .xxh3_128
        default: return nil
        }
    }

    var length: Int {
        switch self {
        case .sha256: 32
        case .sha512: 64
        case .xxh3_128: 16
        }
    }

    /// Appends the digest of `data` to `out`.
    @inline(__always)
    func hash(_ data: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        switch self {
        case .sha256:
            var h = SHA256()
            h.update(bufferPointer: data)
            h.finalize().withUnsafeBytes { out.append(contentsOf: $0) }
        case .sha512:
            var h = SHA512()
            h.update(bufferPointer: data)
            h.finalize().withUnsafeBytes { out.append(contentsOf: $0) }
        case .xxh3_128:
            // Canonical (big-endian) order, as `xxhsum -H2` prints it.
            let h = XXH3_128bits_dispatch(data.baseAddress, data.count)
            withUnsafeBytes(of: h.high64.bigEndian) { out.append(contentsOf: $0) }
            withUnsafeBytes(of: h.low64.bigEndian) { out.append(contentsOf: $0) }
        }
    }

    /// Appends the digest of `bytes` to `out`.
    @inline(__always)
    func hash(_ bytes: [UInt8], into out: inout [UInt8]) {
        bytes.withUnsafeBytes { hash($0, into: &out) }
    }

    /// The digest of `bytes`.
    func hash(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        bytes.withUnsafeBytes { hash($0, into: &out) }
        return out
    }
}

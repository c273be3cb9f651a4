/// A content-hash algorithm, chosen by name in parameters (`algorithm: xxh128`).
///
/// XXH3 variants come from the system libxxhash through its run-time-dispatched (AVX2/AVX-512) entry
/// points; the SHA family comes from swift-crypto.
public enum HashAlgorithm: String, CaseIterable, Sendable, Codable {
    case xxh3_64 = "xxh3-64"
    case xxh3_128 = "xxh3-128"
    case sha1
    case sha256
    case sha384
    case sha512

    /// Accepts the canonical names plus common spellings (`xxh128`, `XXH3`, `sha-256`).
    public init?(name: String) {
        let n = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        switch n {
        case "xxh3-64", "xxh3", "xxh64-3", "xxh3_64": self = .xxh3_64
        case "xxh3-128", "xxh128", "xxh3_128": self = .xxh3_128
        case "sha1", "sha-1": self = .sha1
        case "sha256", "sha-256": self = .sha256
        case "sha384", "sha-384": self = .sha384
        case "sha512", "sha-512": self = .sha512
        default: return nil
        }
    }

    /// Digest length in bytes.
    public var digestLength: Int {
        switch self {
        case .xxh3_64: 8
        case .xxh3_128: 16
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// Digest length in lowercase hex characters.
    public var hexLength: Int { digestLength * 2 }
}

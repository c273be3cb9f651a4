import CXXHash
import Crypto

/// An incremental hasher for one algorithm. Feed bytes with `update`, then call `finalize` once.
/// A class because the XXH3 state is a C allocation that must be freed exactly once; not thread-safe.
public final class StreamingHasher {
    private enum State {
        case xxh3(OpaquePointer, is128: Bool)
        case sha1(Insecure.SHA1)
        case sha256(SHA256)
        case sha384(SHA384)
        case sha512(SHA512)
    }

    public let algorithm: HashAlgorithm
    private var state: State

    public init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .xxh3_64:
            let s = XXH3_createState()!
            XXH3_64bits_reset(s)
            state = .xxh3(s, is128: false)
        case .xxh3_128:
            let s = XXH3_createState()!
            XXH3_128bits_reset(s)
            state = .xxh3(s, is128: true)
        case .sha1: state = .sha1(Insecure.SHA1())
        case .sha256: state = .sha256(SHA256())
        case .sha384: state = .sha384(SHA384())
        case .sha512: state = .sha512(SHA512())
        }
    }

    deinit {
        if case .xxh3(let s, _) = state { XXH3_freeState(s) }
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        switch state {
        case .xxh3(let s, let is128):
            if is128 {
                XXH3_128bits_update_dispatch(s, buffer.baseAddress, buffer.count)
            } else {
                XXH3_64bits_update_dispatch(s, buffer.baseAddress, buffer.count)
            }
        case .sha1(var h): h.update(bufferPointer: buffer); state = .sha1(h)
        case .sha256(var h): h.update(bufferPointer: buffer); state = .sha256(h)
        case .sha384(var h): h.update(bufferPointer: buffer); state = .sha384(h)
        case .sha512(var h): h.update(bufferPointer: buffer); state = .sha512(h)
        }
    }

    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public func update(_ text: String) {
        var copy = text
        copy.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Finishes the hash. Calling `update` afterwards is a programming error.
    public func finalize() -> Digest {
        switch state {
        case .xxh3(let s, let is128):
            if is128 {
                return Digest(algorithm: algorithm, bytes: XXH3Canonical.bytes(XXH3_128bits_digest(s)))
            }
            return Digest(algorithm: algorithm, bytes: XXH3Canonical.bytes(XXH3_64bits_digest(s)))
        case .sha1(let h): return Digest(algorithm: algorithm, bytes: Array(h.finalize()))
        case .sha256(let h): return Digest(algorithm: algorithm, bytes: Array(h.finalize()))
        case .sha384(let h): return Digest(algorithm: algorithm, bytes: Array(h.finalize()))
        case .sha512(let h): return Digest(algorithm: algorithm, bytes: Array(h.finalize()))
        }
    }
}

/// Canonical (big-endian) byte order for XXH3 results, as `xxhsum` prints them.
enum XXH3Canonical {
    static func bytes(_ h: XXH64_hash_t) -> [UInt8] {
        withUnsafeBytes(of: h.bigEndian) { Array($0) }
    }

    static func bytes(_ h: XXH128_hash_t) -> [UInt8] {
        bytes(h.high64) + bytes(h.low64)
    }
}

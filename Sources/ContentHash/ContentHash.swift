import CXXHash

/// One-shot hashing of in-memory bytes and strings.
///
/// For files use `FileHasher`, which streams through a reusable buffer.
public enum ContentHash {
    /// Hashes `buffer` in one call. XXH3 uses the dispatching one-shot entry points.
    public static func hash(_ buffer: UnsafeRawBufferPointer, _ algorithm: HashAlgorithm) -> Digest {
        switch algorithm {
        case .xxh3_64:
            return Digest(algorithm: algorithm,
                          bytes: XXH3Canonical.bytes(XXH3_64bits_dispatch(buffer.baseAddress, buffer.count)))
        case .xxh3_128:
            return Digest(algorithm: algorithm,
                          bytes: XXH3Canonical.bytes(XXH3_128bits_dispatch(buffer.baseAddress, buffer.count)))
        default:
            let h = StreamingHasher(algorithm)
            h.update(buffer)
            return h.finalize()
        }
    }

    public static func hash(_ bytes: [UInt8], _ algorithm: HashAlgorithm) -> Digest {
        bytes.withUnsafeBytes { hash($0, algorithm) }
    }

    public static func hash(_ text: String, _ algorithm: HashAlgorithm) -> Digest {
        var copy = text
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0), algorithm) }
    }

    /// XXH3-128 of a string as hex: the fingerprint and cache-key hash used across gate.
    public static func xxh128Hex(_ text: String) -> String {
        hash(text, .xxh3_128).hex
    }
}

extension ContentHash {
    /// XXH3-64 of a string's UTF-8 bytes as a number: a cheap key for hash tables and sampling.
    public static func xxh3_64(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { XXH3_64bits_dispatch($0.baseAddress, $0.count) }
    }
}

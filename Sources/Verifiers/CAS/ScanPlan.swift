import ContentHash

/// How one file's digest is computed.
enum HashMethod: Sendable, Hashable {
    /// The raw bytes (native, named, bazel, OCI, checksum manifests). git stores have their own reader
    /// (Git/GitStore.swift).
    case content(HashAlgorithm)

    var algorithm: HashAlgorithm {
        switch self {
        case .content(let a): a
        }
    }

    var id: String {
        switch self {
        case .content(let a): "content-\(a.rawValue)"
        }
    }
}

/// What a file in the walk is, as its layout sees it.
enum ObjectClass: Sendable {
    /// An object to verify; `expected` is the lowercase hex it must hash to, when the name or a manifest
    /// says so (nil for files that carry their own checksum).
    case object(expected: String?, method: HashMethod)
    case ignore
    case badName(reason: String)
    case partialWrite
    /// A file nothing lists (checksum manifests).
    case unlisted
}

/// Everything the parallel scan needs, fixed before it starts.
struct ScanPlan: Sendable {
    /// Absolute directory to walk.
    var walkRoot: String
    /// `walkRoot` relative to the check root ("" when the same): the prefix of every reported path.
    var prefix: String
    var descend: @Sendable (String) -> Bool
    var classify: @Sendable (_ directory: String, _ name: String) -> ObjectClass
    /// Digests referenced by manifests (native); objects outside it are orphans.
    var referenced: Set<String>?
    /// Keep (path, digest, size) of every object: OCI's graph, checksum manifests, snapshots.
    var collect: Bool
    var useCache: Bool
    var full: Bool
    /// Objects hashed, out of 10,000 (sampling); cache hits are always verified.
    var sampleBasisPoints: Int
    var threads: Int

    func reportPath(_ walkPath: String) -> String {
        prefix.isEmpty ? walkPath : (walkPath.isEmpty ? prefix : prefix + "/" + walkPath)
    }
}

/// One object the scan kept for later checks.
struct ScannedObject: Sendable {
    /// Relative to the walk root.
    var path: String
    var digest: String
    var size: Int
    /// False when the object failed its own check (its digest is then what it hashed to).
    var valid: Bool
}

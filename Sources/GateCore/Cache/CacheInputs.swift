/// What a configured check reads: the files (paths or globs) and environment variables whose values
/// decide its outcome. The result cache digests them into the check's cache key.
///
/// Paths are absolute or relative to the check's root. An entry naming a directory stands for every file
/// under it; an entry with `*`, `?`, `[` or `{` is a glob anchored at its literal prefix (`engine/*.json`
/// is the JSON files directly in `engine/`; `engine/**/*.json` is every one below it).
public struct CacheInputs: Sendable, Hashable {
    public var paths: [String]
    public var environment: [String]
    /// Files the check itself writes under its input paths (a command's outputs), relative to the root or
    /// absolute: left out of the key, and everything under them when they are directories.
    public var exclude: [String]
    /// Directory names the verifier never reads below, at any depth (`node_modules`, `.build`); `.*`
    /// stands for every hidden directory. Walks do not enter them, so a build tree of a hundred thousand
    /// files under the root costs nothing. Only name directories the verifier itself skips whatever its
    /// parameters say, or a change there would go unseen.
    public var skipDirectories: Set<String>

    public init(paths: [String], environment: [String] = [], exclude: [String] = [], skipDirectories: Set<String> = []) {
        self.paths = paths
        self.environment = environment
        self.exclude = exclude
        self.skipDirectories = skipDirectories
    }
}

/// Splitting a large check across CI shards: which slice of its work one shard does.
/// `index` counts from 0; a verifier keeps the work items whose stable key falls in its slice.
public struct ShardSlice: Sendable, Hashable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// True when a work item with this 64-bit stable key (a digest prefix, a path hash) is in the slice.
    /// Contiguous ranges of the key space, so a digest-prefix split keeps each shard's objects together.
    public func contains(key: UInt64) -> Bool {
        guard count > 1 else { return true }
        let width = UInt64.max / UInt64(count) + 1
        return Int(min(UInt64(count - 1), key / width)) == index
    }

    /// "2/4": the 1-based slice as users write shards.
    public var description: String { "\(index + 1)/\(count)" }
}

extension Verifier {
    /// Nil: this verifier cannot say what it reads, so its checks are cached only with declared `inputs:`.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? { nil }
    /// False: `split: true` is refused at load time.
    public static var supportsSplit: Bool { false }
}

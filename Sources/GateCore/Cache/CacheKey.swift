import ContentHash
import Foundation

/// Builds a check's cache key: XXH3-128 over the verifier id, gate's version, the check's root and
/// working directory, its shard slice, its parameters (canonically encoded), the values of its environment
/// inputs and of the `env` the suite gives it, and the (path, content digest) list of its input files.
///
/// Every field is length-prefixed, so no two different field lists give the same bytes. File digests come
/// from the stat cache when a file's size, mtime, ctime, inode and device are unchanged; only the others
/// are read.
public struct CacheKeyBuilder {
    /// What computing a key found: the key and what it cost.
    public struct Result: Sendable, Equatable {
        public var key: String
        /// Input files in the key.
        public var files: Int
        /// Files read and hashed (not answered by the stat cache).
        public var hashedFiles: Int
        public var hashedBytes: Int64
        /// Declarations that matched no file.
        public var unmatched: [String]
    }

    public var verifierID: String
    public var gateVersion: String
    public var root: String
    public var cwd: String
    public var slice: ShardSlice?
    public var parameters: [String: ConfigValue]
    /// Environment variable names and their values (nil when unset), already chosen.
    public var environment: [String: String?]
    public var inputs: [String]
    /// Directories never walked (state and reports).
    public var excluded: Set<String>
    /// True when the inputs come from the suite's `inputs:` rather than the verifier's defaults.
    public var declared: Bool
    /// Outputs the check writes among its inputs (`CacheInputs.exclude`).
    public var outputs: [String] = []
    /// Directory names walks never enter (`CacheInputs.skipDirectories`).
    public var skipDirectories: Set<String> = []

    public init(verifierID: String, gateVersion: String, root: String, cwd: String, slice: ShardSlice?,
                parameters: [String: ConfigValue], environment: [String: String?], inputs: [String],
                excluded: Set<String>, declared: Bool = false) {
        self.verifierID = verifierID
        self.gateVersion = gateVersion
        self.root = root
        self.cwd = cwd
        self.slice = slice
        self.parameters = parameters
        self.environment = environment
        self.inputs = inputs
        self.excluded = excluded
        self.declared = declared
    }

    /// The absolute paths of the input files, sorted by their name in the key; nothing is read.
    public func inputFiles() throws -> [String] {
        try inputList().files.map(\.path)
    }

    /// `!pattern` entries leave files out, like the outputs a verifier declares.
    private func inputList() throws -> (files: [InputFiles.Entry], unmatched: [String]) {
        let negated = inputs.filter { $0.hasPrefix("!") }.map { String($0.dropFirst()) }
        return try InputFiles(root: root, excluded: excluded, outputs: outputs + negated, skipDirectories: skipDirectories)
            .expand(inputs.filter { !$0.hasPrefix("!") })
    }

    public func compute(store: any ResultCacheStore) throws -> Result {
        var out = KeyBytes()
        out.field("gate-result-cache/1")
        out.field(verifierID)
        out.field(gateVersion)
        out.field(root)
        out.field(cwd)
        out.field(slice.map(\.description) ?? "-")
        out.field("parameters")
        Self.encode(mapping: parameters.map { ($0.key, $0.value) }, into: &out)
        out.field("environment")
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            out.field(name)
            out.field(value.map { "=" + $0 } ?? "unset")
        }
        out.field("inputs")
        for d in inputs { out.field(d) }
        out.field("outputs")
        for o in outputs { out.field(o) }

        let (files, unmatched) = try inputList()
        let known = try store.knownFiles(files.map(\.path))
        var fresh: [String: KnownFile] = [:]
        var hashedFiles = 0
        var hashedBytes: Int64 = 0
        let hasher = FileHasher()
        for f in files {
            try Task.checkCancellation()
            out.field(f.name)
            guard let s = FileStat.of(f.path), s.isRegularFile else {
                // A link to a directory, a dangling link, a socket: its target (or absence) is what we know.
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: f.path)) ?? "?"
                out.field(FileStat.of(f.path)?.isDirectory == true ? "dir-link:" + target : "not-a-file:" + target)
                continue
            }
            if let k = known[f.path], k.describes(s) {
                out.field(k.digest)
                continue
            }
            let recorded = Int64(Date().timeIntervalSince1970 * 1e9)
            do {
                let r = try hasher.hash(path: f.path, algorithm: .xxh3_128)
                hashedFiles += 1
                hashedBytes += Int64(r.size)
                out.field(r.digest.bytes)
                // Remember it only when the file did not change while it was read.
                if FileStat.of(f.path) == s, r.size == Int(s.size) {
                    fresh[f.path] = KnownFile(s, digest: r.digest.bytes, recordedNs: recorded)
                }
            } catch {
                throw VerifierError("cannot read cache input '\(f.name)': \(error.message); fix its permissions, or "
                                    + "set 'cache: false' on the check")
            }
        }
        if !fresh.isEmpty { try store.remember(fresh) }
        let digest = ContentHash.hash(out.bytes, .xxh3_128)
        return Result(key: digest.hex, files: files.count, hashedFiles: hashedFiles, hashedBytes: hashedBytes,
                      unmatched: unmatched)
    }

    /// Mappings sort by key; lists keep their order; scalars keep their text and whether they were quoted.
    static func encode(_ value: ConfigValue, into out: inout KeyBytes) {
        switch value.kind {
        case .scalar(let text, let quoted):
            out.field(quoted ? "q" : "p")
            out.field(text)
        case .sequence(let items):
            out.field("[\(items.count)")
            for i in items { encode(i, into: &out) }
        case .mapping(let entries):
            encode(mapping: entries.map { ($0.key, $0.value) }, into: &out)
        }
    }

    static func encode(mapping: [(String, ConfigValue)], into out: inout KeyBytes) {
        out.field("{\(mapping.count)")
        let ordered = mapping.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
        for (_, (key, value)) in ordered {
            out.field(key)
            encode(value, into: &out)
        }
    }
}

/// Length-prefixed fields, so that ("ab", "c") and ("a", "bc") differ.
struct KeyBytes {
    var bytes: [UInt8] = []

    mutating func field(_ s: String) { field(Array(s.utf8)) }

    mutating func field(_ b: [UInt8]) {
        withUnsafeBytes(of: UInt64(b.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: b)
    }
}

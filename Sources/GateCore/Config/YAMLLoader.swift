import Foundation
import Yams

/// Parses YAML into `ConfigValue`s that remember their positions.
///
/// Yams composes the node graph (aliases point at their anchors without copying); the conversion here
/// produces every node, so it counts them: nodes written in the file against a size limit, and nodes an
/// alias repeats against a much smaller one, so that an alias bomb fails with its own clear error instead
/// of exhausting memory while a large generated suite still loads.
public enum YAMLLoader {
    /// Default ceiling on the values a suite writes out, its includes counted (alias expansions are not).
    /// 200,000 plain checks are about 600,000 values and load with a 320 MB peak; this admits about
    /// 330,000 such checks (docs/hardening.md).
    public static let defaultNodeLimit = 1_000_000
    /// Default ceiling on the values aliases repeat. Real suites reuse a few maps of settings.
    public static let defaultAliasLimit = 100_000
    /// The largest file gate reads as YAML.
    public static let maxFileSize = 64 << 20

    /// What one load may still produce; shared by a suite and its includes.
    public struct Budget: Sendable {
        public var nodes: Int
        public var aliasExpansions: Int
        let nodeLimit: Int
        let aliasLimit: Int

        public init(nodes: Int = YAMLLoader.defaultNodeLimit, aliasExpansions: Int = YAMLLoader.defaultAliasLimit) {
            self.nodes = nodes
            self.aliasExpansions = aliasExpansions
            nodeLimit = nodes
            aliasLimit = aliasExpansions
        }
    }

    /// Reads and parses a file. `displayPath` is how messages name it.
    public static func load(path: String, displayPath: String? = nil,
                            nodeLimit: Int = defaultNodeLimit) throws(ConfigError) -> ConfigValue? {
        var budget = Budget(nodes: nodeLimit)
        return try load(path: path, displayPath: displayPath, budget: &budget)
    }

    /// Reads and parses a file, drawing on `budget`.
    public static func load(path: String, displayPath: String? = nil,
                            budget: inout Budget) throws(ConfigError) -> ConfigValue? {
        let shown = displayPath ?? path
        let data = try readFile(path: path, shown: shown)
        guard let text = String(validating: data, as: UTF8.self) else {
            throw .unreadable(path: shown, reason: "the file is not valid UTF-8")
        }
        return try load(text: text, file: shown, budget: &budget)
    }

    /// Parses text. Returns nil for an empty document.
    public static func load(text: String, file: String, nodeLimit: Int = defaultNodeLimit,
                            key: String = "(document)") throws(ConfigError) -> ConfigValue? {
        var budget = Budget(nodes: nodeLimit)
        return try load(text: text, file: file, budget: &budget, key: key)
    }

    /// Parses text, drawing on `budget`. `key` names the document in messages (`--set run=...`: 'run').
    public static func load(text: String, file: String, budget: inout Budget,
                            key: String = "(document)") throws(ConfigError) -> ConfigValue? {
        let node: Node?
        do {
            // The basic resolver tags nothing: ConfigValue types scalars itself (from the text and whether
            // it was quoted), and Yams' default resolver compiles and runs a set of regexes per scalar.
            node = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw convert(error, file: file)
        } catch {
            throw .malformedYAML(SourceLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
        guard let node else { return nil }
        var walk = Walk(budget: budget)
        let value = try convert(node, file: file, key: key, walk: &walk, expanding: false)
        budget = walk.budget
        return value
    }

    /// Why `path` is no file gate reads as YAML (a FIFO, a device, a directory), or nil.
    public static func notRegularFile(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return kindName(st.st_mode)
    }

    /// Reads a regular file of at most `maxFileSize` bytes. Opened without blocking, so a FIFO is
    /// refused rather than waited on; a device is refused rather than read for ever.
    static func readFile(path: String, shown: String) throws(ConfigError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            throw .unreadable(path: shown, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .unreadable(path: shown, reason: String(cString: strerror(errno))) }
        if let kind = kindName(st.st_mode) {
            throw .unreadable(path: shown, reason: "it is not a regular file but \(kind); name a YAML file")
        }
        let size = Int(st.st_size)
        guard size <= maxFileSize else {
            throw .unreadable(path: shown, reason: "it is larger than \(maxFileSize >> 20) MiB (\(size) bytes), the most "
                              + "gate reads as YAML; split it into files joined with 'include:'")
        }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, size - filled) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw .unreadable(path: shown, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            filled += n
        }
        return Array(bytes[0..<filled])
    }

    private static func kindName(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    /// The conversion's running state: the budget, and the furthest position converted so far.
    private struct Walk {
        var budget: Budget
        var furthest = (line: 0, column: 0)
    }

    /// Converts one node. Nodes come in document order, so a node that starts before the furthest one
    /// converted so far is an alias's copy of its anchor: it and everything under it count as expansions.
    private static func convert(_ node: Node, file: String, key: String, walk: inout Walk,
                                expanding: Bool) throws(ConfigError) -> ConfigValue {
        let loc = location(node.mark, file: file)
        var expanding = expanding
        if !expanding, let m = node.mark {
            if (m.line, m.column) < walk.furthest { expanding = true } else { walk.furthest = (m.line, m.column) }
        }
        if expanding {
            walk.budget.aliasExpansions -= 1
            if walk.budget.aliasExpansions < 0 { throw .aliasBomb(loc, limit: walk.budget.aliasLimit) }
        } else {
            walk.budget.nodes -= 1
            if walk.budget.nodes < 0 { throw .tooLarge(loc, limit: walk.budget.nodeLimit) }
        }
        switch node {
        case .scalar(let s):
            if s.string.utf8.contains(0) { throw nulError(loc, key: key) }
            return ConfigValue(.scalar(s.string, quoted: s.style != .plain), at: loc)
        case .sequence(let seq):
            var items: [ConfigValue] = []
            items.reserveCapacity(seq.count)
            for child in seq {
                items.append(try convert(child, file: file, key: key, walk: &walk, expanding: expanding))
            }
            return ConfigValue(.sequence(items), at: loc)
        case .mapping(let map):
            var entries: [ConfigEntry] = []
            var merged: [ConfigEntry] = []
            // Duplicate keys: a linear search in the small maps suites are made of, an index in large ones
            // (a generated env map), so that neither kind costs quadratic time.
            var index: [String: Int]?
            func position(of key: String) -> Int? {
                if let index { return index[key] }
                if entries.count >= 16 {
                    index = Dictionary(entries.indices.map { (entries[$0].key, $0) }, uniquingKeysWith: { a, _ in a })
                    return index![key]
                }
                return entries.firstIndex { $0.key == key }
            }
            for (k, v) in map {
                let keyLoc = location(k.mark, file: file)
                guard case .scalar(let ks) = k else {
                    throw .invalidValue(keyLoc, key: "(map key)", expected: "a plain string", got: "a \(k)")
                }
                if ks.string.utf8.contains(0) { throw nulError(keyLoc, key: key) }
                let value = try convert(v, file: file, key: ks.string, walk: &walk, expanding: expanding)
                if ks.string == "<<" && ks.style == .plain {
                    // YAML merge key: entries from the referenced map(s) fill keys not set explicitly.
                    let sources = value.sequence ?? [value]
                    for source in sources {
                        guard let more = source.mapping else {
                            throw .invalidValue(keyLoc, key: "<<", expected: "a map or a list of maps",
                                                got: source.typeDescription)
                        }
                        merged.append(contentsOf: more)
                    }
                    continue
                }
                if let first = position(of: ks.string) {
                    throw .invalidValue(keyLoc, key: ks.string, expected: "unique in its map",
                                        got: "a second definition (the first is at \(entries[first].keyLocation))")
                }
                index?[ks.string] = entries.count
                entries.append(ConfigEntry(key: ks.string, keyLocation: keyLoc, value: value))
            }
            for m in merged where position(of: m.key) == nil {
                index?[m.key] = entries.count
                entries.append(m)
            }
            return ConfigValue(.mapping(entries), at: loc)
        case .alias:
            throw .malformedYAML(loc, problem: "unresolved alias")
        }
    }

    private static func nulError(_ loc: SourceLocation, key: String) -> ConfigError {
        .invalidParameter(loc, key: key, message: "contains a NUL character (\\0), which no command, argument, "
                          + "environment variable or file name can carry: everything after it would be dropped "
                          + "without a word. Remove it")
    }

    private static func location(_ mark: Mark?, file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private static func convert(_ error: YamlError, file: String) -> ConfigError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { " (\($0.text))" } ?? ""
            return .malformedYAML(at(mark), problem: problem + ctx)
        case .reader(let problem, _, _, _):
            return .malformedYAML(SourceLocation(file: file, line: 1, column: 1), problem: problem)
        default:
            return .malformedYAML(SourceLocation(file: file, line: 1, column: 1), problem: "\(error)")
        }
    }

    static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }
}

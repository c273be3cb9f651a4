import Foundation
import Yams

/// Parses YAML into `ConfigValue`s that remember their positions.
///
/// Yams composes the node graph (aliases point at their anchors without copying); the conversion here
/// counts every node it produces, so an alias bomb fails with a clear error instead of exhausting memory.
public enum YAMLLoader {
    /// Default ceiling on nodes after alias expansion. Real suites have a few thousand.
    public static let defaultNodeLimit = 200_000

    /// Reads and parses a file. `displayPath` is how messages name it.
    public static func load(path: String, displayPath: String? = nil,
                            nodeLimit: Int = defaultNodeLimit) throws(ConfigError) -> ConfigValue? {
        let shown = displayPath ?? path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: shown, reason: Self.describe(error))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: shown, reason: "the file is not valid UTF-8")
        }
        return try load(text: text, file: shown, nodeLimit: nodeLimit)
    }

    /// Parses text. Returns nil for an empty document.
    public static func load(text: String, file: String,
                            nodeLimit: Int = defaultNodeLimit) throws(ConfigError) -> ConfigValue? {
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
        var budget = nodeLimit
        return try convert(node, file: file, budget: &budget, limit: nodeLimit)
    }

    private static func convert(_ node: Node, file: String, budget: inout Int,
                                limit: Int) throws(ConfigError) -> ConfigValue {
        let loc = location(node.mark, file: file)
        budget -= 1
        if budget < 0 { throw .tooLarge(loc, limit: limit) }
        switch node {
        case .scalar(let s):
            return ConfigValue(.scalar(s.string, quoted: s.style != .plain), at: loc)
        case .sequence(let seq):
            var items: [ConfigValue] = []
            for child in seq {
                items.append(try convert(child, file: file, budget: &budget, limit: limit))
            }
            return ConfigValue(.sequence(items), at: loc)
        case .mapping(let map):
            var entries: [ConfigEntry] = []
            var merged: [ConfigEntry] = []
            for (k, v) in map {
                let keyLoc = location(k.mark, file: file)
                guard case .scalar(let ks) = k else {
                    throw .invalidValue(keyLoc, key: "(map key)", expected: "a plain string", got: "a \(k)")
                }
                let value = try convert(v, file: file, budget: &budget, limit: limit)
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
                if let first = entries.first(where: { $0.key == ks.string }) {
                    throw .invalidValue(keyLoc, key: ks.string, expected: "unique in its map",
                                        got: "a second definition (the first is at \(first.keyLocation))")
                }
                entries.append(ConfigEntry(key: ks.string, keyLocation: keyLoc, value: value))
            }
            for m in merged where !entries.contains(where: { $0.key == m.key }) { entries.append(m) }
            return ConfigValue(.mapping(entries), at: loc)
        case .alias:
            throw .malformedYAML(loc, problem: "unresolved alias")
        }
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

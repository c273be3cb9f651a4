import ContentHash
import Foundation
import GateCore

/// One accepted source of variation: a regex replacement on text outputs, or JSON fields to drop.
struct NormalizeRule: Sendable {
    enum Kind: Sendable {
        case text(pattern: String, replacement: String)
        case json([JSONPath])
    }

    var kind: Kind
    /// Output names the rule applies to (`stdout`, `out/*.json`); empty means all.
    var outputs: [Glob]

    func applies(to name: String) -> Bool { outputs.isEmpty || Glob.any(outputs, name) }

    static func parse(_ p: Parameters) throws(ConfigError) -> [NormalizeRule] {
        guard let value = p["normalize"], !value.isNull else { return [] }
        let items = value.sequence ?? [value]
        var rules: [NormalizeRule] = []
        for (n, item) in items.enumerated() {
            let key = "normalize[\(n)]"
            guard let entries = item.mapping else {
                throw .invalidValue(item.location, key: key, expected: "a map such as {pattern: '...', replace: '...'} or {json: '$.createdAt'}",
                                    got: item.typeDescription)
            }
            let allowed = ["pattern", "replace", "json", "outputs"]
            for e in entries where !allowed.contains(e.key) {
                throw .unknownKey(e.keyLocation, key: e.key, context: "'\(key)'", valid: allowed)
            }
            var globs: [Glob] = []
            if let o = item["outputs"], !o.isNull {
                guard let list = o.stringList else {
                    throw .invalidValue(o.location, key: "\(key).outputs", expected: "a glob or a list of globs", got: o.typeDescription)
                }
                globs = list.map(Glob.init)
            }
            switch (item["pattern"], item["json"]) {
            case (let pat?, nil):
                guard let pattern = pat.string, !pattern.isEmpty else {
                    throw .invalidValue(pat.location, key: "\(key).pattern", expected: "a regular expression", got: pat.typeDescription)
                }
                do { _ = try NSRegularExpression(pattern: pattern) } catch {
                    throw .invalidParameter(pat.location, key: "\(key).pattern", message: "'\(pattern)' is not a valid regular expression")
                }
                let replacement = item["replace"]?.string ?? ""
                rules.append(NormalizeRule(kind: .text(pattern: pattern, replacement: replacement), outputs: globs))
            case (nil, let j?):
                guard let list = j.stringList, !list.isEmpty else {
                    throw .invalidValue(j.location, key: "\(key).json", expected: "a JSON path or a list of them", got: j.typeDescription)
                }
                var paths: [JSONPath] = []
                for text in list {
                    do { paths.append(try JSONPath(text)) } catch {
                        throw .invalidParameter(j.location, key: "\(key).json", message: "'\(text)': \(error.message)")
                    }
                }
                if item["replace"] != nil {
                    throw .invalidParameter(item.location, key: "\(key).replace", message: "'replace' goes with 'pattern', not 'json'")
                }
                rules.append(NormalizeRule(kind: .json(paths), outputs: globs))
            default:
                throw .invalidParameter(item.location, key: key, message: "give exactly one of 'pattern' (a regex on text) or 'json' (paths to drop)")
            }
        }
        return rules
    }
}

/// Applies the normalize rules to one artifact, writing the normalized copy beside the raw one and
/// hashing it as it goes. Text is processed line by line, so large outputs are never loaded whole;
/// JSON must be parsed, so it is limited to `JSONSupport.parseLimit`.
struct Normalizer {
    let rules: [NormalizeRule]

    struct Result {
        var digest: Digest
        var size: Int
        var note: String?
    }

    /// Returns nil when no rule applies to `name`.
    func normalize(name: String, source: String, destination: String) throws -> Result? {
        let mine = rules.filter { $0.applies(to: name) }
        guard !mine.isEmpty else { return nil }
        var paths: [JSONPath] = []
        var texts: [(NSRegularExpression, String)] = []
        for r in mine {
            switch r.kind {
            case .json(let p): paths += p
            case .text(let pattern, let replacement): texts.append((try NSRegularExpression(pattern: pattern), replacement))
            }
        }
        var note: String?
        var input = source
        var stagedJSON: String?
        if !paths.isEmpty {
            if var value = JSONSupport.parse(file: source) {
                for p in paths { value = p.dropping(from: value) }
                let staged = destination + ".json-stage"
                try StreamCopy.writeArtifact(JSONSupport.canonical(value) + "\n", to: staged)
                input = staged
                stagedJSON = staged
            } else if mine.contains(where: { if case .json = $0.kind { !$0.outputs.isEmpty } else { false } }) {
                note = "'\(name)' is not JSON (or larger than \(JSONSupport.parseLimit >> 20) MiB), so its JSON paths were not dropped"
            }
        }
        defer { if let s = stagedJSON { unlink(s) } }
        if texts.isEmpty || BinarySniff.isBinary(path: input) {
            let r = try StreamCopy.copy(from: input, to: destination)
            return Result(digest: r.digest, size: r.size, note: note)
        }
        let r = try StreamCopy.transformLines(from: input, to: destination) { line in
            var s = line
            for (regex, replacement) in texts {
                s = regex.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: replacement)
            }
            return s
        }
        return Result(digest: r.digest, size: r.size, note: note)
    }
}

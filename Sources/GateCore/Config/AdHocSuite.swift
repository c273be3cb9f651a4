import Foundation

/// Builds the one-check suite behind `gate check VERIFIER [PATH] --set key=value ...`, so that ad-hoc
/// checks take exactly the code path a suite does.
public enum AdHocSuite {
    /// Parses `key=value` pairs. Values are YAML (a scalar, a flow list `[a,b]` or a flow map `{k: v}`);
    /// dotted keys (`report.format=junit`) build nested maps. Later values override earlier ones.
    public static func parseSets(_ sets: [String]) throws(ConfigError) -> [String: ConfigValue] {
        var values: [String: ConfigValue] = [:]
        for (index, item) in sets.enumerated() {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw .usage("--set '\(item)' must be key=value, for example --set layout=oci")
            }
            let key = String(item[..<eq])
            let text = String(item[item.index(after: eq)...])
            let loc = SourceLocation(file: "--set", line: index + 1, column: key.count + 2)
            var value = try YAMLLoader.load(text: text, file: "--set \(key)", key: key) ?? .scalar("", quoted: false, at: loc)
            value = relocate(value, to: loc)
            let path = key.split(separator: ".").map(String.init)
            guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty }) else {
                throw .usage("--set '\(item)': the key '\(key)' is not valid")
            }
            insert(&values, path: path, value: value, at: loc)
        }
        return values
    }

    private static func insert(_ values: inout [String: ConfigValue], path: [String], value: ConfigValue,
                               at loc: SourceLocation) {
        guard path.count > 1 else { values[path[0]] = value; return }
        var nested: [String: ConfigValue] = [:]
        for e in values[path[0]]?.mapping ?? [] { nested[e.key] = e.value }
        insert(&nested, path: Array(path.dropFirst()), value: value, at: loc)
        let entries = nested.keys.sorted().map { ConfigEntry(key: $0, keyLocation: loc, value: nested[$0]!) }
        values[path[0]] = ConfigValue(.mapping(entries), at: loc)
    }

    /// Command-line values have no file; point every node at the `--set` argument.
    private static func relocate(_ v: ConfigValue, to loc: SourceLocation) -> ConfigValue {
        switch v.kind {
        case .scalar: return ConfigValue(v.kind, at: loc)
        case .sequence(let items): return ConfigValue(.sequence(items.map { relocate($0, to: loc) }), at: loc)
        case .mapping(let entries):
            return ConfigValue(.mapping(entries.map {
                ConfigEntry(key: $0.key, keyLocation: loc, value: relocate($0.value, to: loc))
            }), at: loc)
        }
    }

    /// A suite named `check-<verifier>` with one check whose id is the verifier id.
    public static func make(registry: VerifierRegistry, verifierID: String, root: String?, sets: [String],
                            timeout: Duration?, workingDirectory: String = PathUtil.currentDirectory) throws(ConfigError) -> Suite {
        guard let type = registry.type(for: verifierID) else {
            throw .unknownVerifier(SourceLocation(file: "command line", line: 1, column: 1), id: verifierID,
                                   known: registry.ids)
        }
        var values = try parseSets(sets)
        // A list parameter takes the comma form that --only takes: --set vary=time,umask.
        for spec in type.descriptor.parameters where spec.kind == .stringList {
            guard let v = values[spec.name], case .scalar(let text, false) = v.kind, text.contains(",") else { continue }
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            values[spec.name] = ConfigValue(.sequence(items.map { ConfigValue(.scalar($0, quoted: false), at: v.location) }),
                                            at: v.location)
        }
        let rootPath = PathUtil.resolve(root ?? values["root"]?.string ?? ".", against: workingDirectory)
        values["root"] = nil
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: rootPath, isDirectory: &isDir), isDir.boolValue else {
            throw .usage("'\(PathUtil.display(rootPath))' is not a directory; give the directory to check as PATH")
        }
        let loc = SourceLocation(file: "--set", line: 1, column: 1)
        let params = Parameters(values: values, root: rootPath, location: loc)
        let verifier = try registry.make(type, parameters: params)
        let check = CheckSpec(id: verifierID, verifierID: verifierID, verifier: verifier, parameters: params,
                              timeout: timeout, root: rootPath, location: loc)
        return Suite(name: "check-\(verifierID)", root: rootPath, checks: [check])
    }
}

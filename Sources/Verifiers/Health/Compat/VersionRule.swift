import GateCore
import GateOpenAPI

/// `version: ">=1.4.0 <2.0.0"` (the body's `$.version`) or `version: {path: $.engine.version, range: ^1.4}`:
/// the version found must parse as semver and lie in the range.
struct VersionRule: Sendable, Hashable {
    var path: JSONPath
    var range: SemVerRange

    init(_ v: ConfigValue) throws(ConfigError) {
        var pathText = "$.version"
        var rangeText: String
        var where_ = v.location
        if let s = v.string {
            rangeText = s
        } else {
            let b = try Block(v, context: "'version'")
            try b.only(["path", "range"])
            pathText = try b.string("path") ?? pathText
            guard let r = try b.string("range") else { throw .missingKey(v.location, key: "range", context: "'version'") }
            rangeText = r
            where_ = b.at("range")
        }
        do { path = try JSONPath(pathText) } catch { throw .invalidParameter(v.location, key: "version", message: error.description) }
        guard let range = SemVerRange(rangeText) else {
            throw .invalidParameter(where_, key: "version", message: "'\(rangeText)' is not a version range; write for example "
                + "'>=1.4.0 <2.0.0', '^1.4', '~1.4.2' or '1.x'")
        }
        self.range = range
    }
}

import Foundation
import GateCore
import GateOpenAPI

/// What an answer must look like. Every failed expectation is its own finding.
struct Expectations: Sendable, Hashable {
    struct HeaderRule: Sendable, Hashable {
        var name: String
        /// nil: the header must be present; a regex when written `~pattern`, else the exact value.
        var exact: String?
        var regex: RegexBox?
        var absent: Bool
    }

    /// A numeric JSON value judged in bands: at or past `degraded` a warning, at or past `critical` an error.
    struct Band: Sendable, Hashable {
        var path: JSONPath
        var degraded: Double?
        var critical: Double?
        var text: String
    }

    var status: StatusMatcher?
    var exitCode: Int?
    var headers: [HeaderRule] = []
    var bodyPatterns: [(text: String, regex: RegexBox)] = []
    var json: [JSONAssertion] = []
    var bands: [Band] = []
    var schema: JSONSchemaSubset?
    var maxSize: Int?
    var version: VersionRule?

    /// True when the body must parse as JSON for some expectation to be judged.
    var needsJSON: Bool { !json.isEmpty || !bands.isEmpty || schema != nil || version != nil }

    static func == (a: Expectations, b: Expectations) -> Bool {
        a.status == b.status && a.exitCode == b.exitCode && a.headers == b.headers && a.json == b.json
            && a.bodyPatterns.map(\.text) == b.bodyPatterns.map(\.text) && a.bands == b.bands && a.schema == b.schema
            && a.maxSize == b.maxSize && a.version == b.version
    }

    func hash(into h: inout Hasher) {
        h.combine(status)
        h.combine(json)
        h.combine(bodyPatterns.map(\.text))
    }

    static let keys = ["status", "exit-code", "response-headers", "body-matches", "json", "schema", "max-size", "version"]

    init(_ b: Block, root: String, isCommand: Bool) throws(ConfigError) {
        if let v = b["status"] {
            guard !isCommand else { throw b.error("status", "a 'run:' target has no HTTP status; use 'exit-code'") }
            status = try StatusMatcher(v, key: "status")
        }
        if b.has("exit-code") {
            guard isCommand else { throw b.error("exit-code", "'exit-code' belongs to a 'run:' target; use 'status' for HTTP") }
            exitCode = try b.int("exit-code", range: 0...255)
        }
        if let hv = b["response-headers"] {
            guard let map = hv.mapping else { throw b.mismatch("response-headers", "a map of header names to values") }
            for e in map {
                var rule = HeaderRule(name: e.key, exact: nil, regex: nil, absent: false)
                if e.value.isNull {
                    // present, any value
                } else if e.value.bool == false {
                    rule.absent = true
                } else if let text = e.value.string {
                    if text.hasPrefix("~") {
                        guard let re = try? NSRegularExpression(pattern: String(text.dropFirst()), options: [.caseInsensitive]) else {
                            throw .invalidParameter(e.value.location, key: e.key, message: "'\(text.dropFirst())' is not a valid regular expression")
                        }
                        rule.regex = RegexBox(re)
                    } else {
                        rule.exact = text
                    }
                } else {
                    throw .invalidValue(e.value.location, key: e.key, expected: "a value, '~regex', null (present) or false (absent)",
                                        got: e.value.typeDescription)
                }
                headers.append(rule)
            }
        }
        for text in try b.stringList("body-matches") ?? [] {
            guard let re = try? NSRegularExpression(pattern: text, options: [.dotMatchesLineSeparators]) else {
                throw b.error("body-matches", "'\(text)' is not a valid regular expression")
            }
            bodyPatterns.append((text, RegexBox(re)))
        }
        if let jv = b["json"] {
            for item in jv.sequence ?? [jv] {
                if let text = item.string {
                    do { json.append(try JSONAssertion(text)) } catch {
                        throw .invalidParameter(item.location, key: "json", message: error.description)
                    }
                } else {
                    bands.append(try Self.band(item))
                }
            }
        }
        if let sv = b["schema"] { schema = try Self.schema(sv, root: root) }
        maxSize = try b.size("max-size")
        if let vv = b["version"] { version = try VersionRule(vv) }
    }

    private static func band(_ v: ConfigValue) throws(ConfigError) -> Band {
        let b = try Block(v, context: "a 'json' band")
        try b.only(["path", "degraded", "critical"])
        guard let p = try b.string("path") else { throw .missingKey(v.location, key: "path", context: "a 'json' band") }
        let path: JSONPath
        do { path = try JSONPath(p) } catch { throw b.error("path", error.description) }
        func number(_ key: String) throws(ConfigError) -> Double? {
            guard let x = b[key] else { return nil }
            if let d = x.double { return d }
            if let s = x.string, let d = DurationParsing.parse(s) { return Double(d.milliseconds) }
            throw b.mismatch(key, "a number, or a duration such as 100ms (compared in milliseconds)")
        }
        let band = Band(path: path, degraded: try number("degraded"), critical: try number("critical"), text: p)
        guard band.degraded != nil || band.critical != nil else {
            throw .invalidParameter(v.location, key: "json", message: "a band needs 'degraded', 'critical' or both")
        }
        return band
    }

    private static func schema(_ v: ConfigValue, root: String) throws(ConfigError) -> JSONSchemaSubset {
        var json = v.json
        if let path = v.string {
            let full = PathUtil.resolve(path, against: root)
            guard let data = FileManager.default.contents(atPath: full) else {
                throw .invalidParameter(v.location, key: "schema", message: "cannot read the schema file '\(path)'")
            }
            guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                throw .invalidParameter(v.location, key: "schema", message: "'\(path)' is not valid JSON")
            }
            json = parsed
        }
        do { return try JSONSchemaSubset(json) } catch {
            throw .invalidParameter(v.location, key: "schema", message: error.description)
        }
    }
}

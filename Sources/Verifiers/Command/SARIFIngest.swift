import Foundation
import GateCore

/// Reads another scanner's SARIF 2.1.0 log and turns its results into findings. Rule ids become
/// `<tool>/<ruleId>`; levels map to severities (a missing level takes the rule's default, else warning,
/// as SARIF specifies); suppressed results are kept as waived. Rules may live in the driver or in tool
/// extensions (CodeQL's packs) and results may name them by index only. Results that are not problems
/// (`kind` pass or notApplicable) and results whose `baselineState` is `absent` (fixed) are skipped.
enum SARIFIngest {
    struct Log: Decodable { var runs: [Run]? }
    struct Run: Decodable { var tool: Tool?; var results: [Result]? }
    struct Tool: Decodable { var driver: Component?; var extensions: [Component]? }
    struct Component: Decodable { var name: String?; var rules: [Rule]? }
    struct Rule: Decodable {
        var id: String
        var shortDescription: Message?
        var defaultConfiguration: Configuration?
        var help: Message?
    }
    struct Configuration: Decodable { var level: String? }
    struct Message: Decodable { var text: String? }
    struct Result: Decodable {
        var ruleId: String?
        var ruleIndex: Int?
        var rule: RuleRef?
        var kind: String?
        var level: String?
        var message: Message?
        var locations: [Location]?
        var partialFingerprints: [String: String]?
        var fingerprints: [String: String]?
        var suppressions: [Suppression]?
        var baselineState: String?
    }
    struct RuleRef: Decodable { var id: String?; var index: Int?; var toolComponent: ComponentRef? }
    struct ComponentRef: Decodable { var index: Int? }
    struct Location: Decodable { var physicalLocation: Physical? }
    struct Physical: Decodable { var artifactLocation: Artifact?; var region: Region? }
    struct Artifact: Decodable { var uri: String? }
    struct Region: Decodable { var startLine: Int?; var startColumn: Int? }
    struct Suppression: Decodable { var kind: String?; var justification: String?; var status: String? }

    /// Findings go into `collector`, which keeps the first of each rule and counts the rest.
    static func read(_ path: String, root: String, collector: FindingCollector = FindingCollector()) -> Ingested {
        let data: Data
        switch BoundedFile.read(path) {
        case .success(let r) where r.truncated:
            return Ingested(problem: "the file is larger than \(BoundedFile.limit >> 20) MiB")
        case .success(let r): data = r.data
        case .failure(let e): return Ingested(problem: "cannot read the file: \(e.message)")
        }
        let log: Log
        do {
            log = try JSONDecoder().decode(Log.self, from: data)
        } catch {
            return Ingested(problem: "not valid SARIF JSON: \(describe(error))")
        }
        guard let runs = log.runs else { return Ingested(problem: "no 'runs' array; is this a SARIF log?") }
        var out = Ingested(collector: collector)
        var total = 0
        for run in runs {
            let tool = sanitize(run.tool?.driver?.name ?? "sarif")
            let driverRules = run.tool?.driver?.rules ?? []
            let extensionRules = (run.tool?.extensions ?? []).map { $0.rules ?? [] }
            let rules = driverRules + extensionRules.flatMap { $0 }
            let byID = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for r in rules {
                out.rules.append(RuleDescriptor(
                    qualified(tool, r.id), r.shortDescription?.text ?? r.id,
                    severity: severity(r.defaultConfiguration?.level) ?? .warning, help: r.help?.text))
            }
            for result in run.results ?? [] {
                if ["pass", "notApplicable"].contains(result.kind ?? "fail") || result.baselineState == "absent" { continue }
                total += 1
                // A rule named by index only: into the driver's rules, or an extension's (toolComponent).
                var indexed: Rule?
                if let i = result.rule?.index ?? result.ruleIndex {
                    let pool = result.rule?.toolComponent?.index.flatMap { $0 < extensionRules.count ? extensionRules[$0] : nil }
                        ?? driverRules
                    if i >= 0 && i < pool.count { indexed = pool[i] }
                }
                let ruleID = result.ruleId ?? result.rule?.id ?? indexed?.id ?? "result"
                let rule = byID[ruleID] ?? indexed
                let sev = severity(result.level) ?? severity(rule?.defaultConfiguration?.level) ?? .warning
                let loc = result.locations?.first?.physicalLocation
                var path = loc?.artifactLocation?.uri.map { uriToPath($0, root: root) }
                if path == "" { path = nil }
                let message = result.message?.text ?? rule?.shortDescription?.text ?? ruleID
                let identity = (result.partialFingerprints ?? result.fingerprints)?.sorted { $0.key < $1.key }.first?.value
                    ?? "\(ruleID)|\(message)"
                var f = Finding(rule: qualified(tool, ruleID), severity: sev,
                                message: message, path: path, line: loc?.region?.startLine,
                                column: loc?.region?.startColumn, identity: identity)
                if let s = result.suppressions?.first(where: { ($0.status ?? "accepted") == "accepted" }) {
                    f.waived = true
                    f.waiver = s.justification ?? "suppressed in the tool's SARIF (\(s.kind ?? "external"))"
                }
                out.collector.append(f)
            }
        }
        out.stats = ["sarifResults": .int(total)]
        out.summary = "\(total) SARIF results"
        return out
    }

    static func qualified(_ tool: String, _ rule: String) -> String {
        rule.contains("/") ? rule : "\(tool)/\(rule)"
    }

    static func sanitize(_ name: String) -> String {
        let s = name.lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }
        return String(s).isEmpty ? "sarif" : String(s)
    }

    static func severity(_ level: String?) -> Severity? {
        switch level {
        case "error": .error
        case "warning": .warning
        case "note", "none": .note
        default: nil
        }
    }

    /// `file:///abs/path`, `%SRCROOT%`-relative or plain relative URIs to a root-relative path.
    static func uriToPath(_ uri: String, root: String) -> String {
        var s = uri
        if s.hasPrefix("file://") { s.removeFirst(7) }
        s = s.removingPercentEncoding ?? s
        return s.hasPrefix("/") ? PathUtil.relative(s, to: root) : PathUtil.normalize(s)
    }

    static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let c) = error { return c.debugDescription }
        if case DecodingError.typeMismatch(_, let c) = error {
            return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        return "\(error)"
    }
}

import Foundation
import GateCore

/// SARIF 2.1.0 for code-scanning views: one run, tool `gate`, every rule described, one result per
/// finding with a repository-relative location, `partialFingerprints` from the finding fingerprint, and
/// waived findings as suppressions.
///
/// Limits follow GitHub's upload rules: at most 25,000 results per run and at most 10 MB gzipped (the
/// most severe are kept and the run's properties say how many were dropped), `startLine` ≥ 1, and
/// relative URIs. Findings a check did not keep (its `droppedFindings`) are counted in the run's
/// `droppedFindings` property. A finding without a path points at the check's definition in the suite file. Checks
/// that could not run are reported as tool execution notifications, so an errored scanner is never
/// mistaken for a clean one.
public struct SARIFReportWriter: ReportWriter {
    public static let format = ReportFormat.sarif
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

    public var maxResults = 25_000
    /// GitHub rejects uploads over 10 MB gzipped; results are dropped (least severe first) to fit.
    public var maxGzippedBytes = 10_000_000

    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        var all: [(CheckResult, Finding)] = []
        for check in report.checks {
            for f in check.findings { all.append((check, f)) }
        }
        // The most severe first, report order within a severity: what survives a cut.
        let ranked = all.indices.sorted { a, b in
            all[a].1.severity != all[b].1.severity ? all[a].1.severity > all[b].1.severity : a < b
        }
        var limit = min(all.count, maxResults)
        var data = try document(report, all: all, ranked: ranked, limit: limit)
        // A document no larger than the limit cannot gzip to more than it (plus a few header bytes), so
        // compression is only measured for big reports; then the largest count that fits is searched for.
        if data.count > maxGzippedBytes - 1024, Gzip.compressedSize(data) > maxGzippedBytes {
            var low = 0, high = limit
            while low < high {
                let mid = (low + high + 1) / 2
                let candidate = try document(report, all: all, ranked: ranked, limit: mid)
                if Gzip.compressedSize(candidate) <= maxGzippedBytes { low = mid } else { high = mid - 1 }
            }
            limit = low
            data = try document(report, all: all, ranked: ranked, limit: limit)
        }
        return data
    }

    /// The SARIF document with the `limit` highest-ranked results, in report order.
    private func document(_ report: RunReport, all: [(CheckResult, Finding)], ranked: [Int], limit: Int) throws -> Data {
        let keep = Set(ranked.prefix(limit))
        let kept = all.indices.filter { keep.contains($0) }.map { all[$0] }
        let dropped = all.count - kept.count

        // Rules: every described rule that appears, plus any seen only in findings.
        var ruleIDs = Set(report.rules.map(\.id))
        for (_, f) in all { ruleIDs.insert(f.rule) }
        for c in report.checks { ruleIDs.formUnion(c.rules) }
        let sortedIDs = ruleIDs.sorted()
        let index = Dictionary(uniqueKeysWithValues: sortedIDs.enumerated().map { ($1, $0) })
        let rules: [JSONValue] = sortedIDs.map { id in
            let d = report.rule(id)
            var rule: [String: JSONValue] = [
                "id": .string(id),
                "shortDescription": ["text": .string(d?.summary ?? id)],
                "defaultConfiguration": ["level": .string(Self.level(d?.severity ?? .error))],
                "properties": ["tags": [.string(String(id.split(separator: "/").first ?? "gate"))]],
            ]
            if let help = d?.help { rule["help"] = ["text": .string(help)] }
            return .object(rule)
        }

        let results: [JSONValue] = kept.map { check, f in
            var r: [String: JSONValue] = [
                "ruleId": .string(f.rule),
                "ruleIndex": .int(index[f.rule] ?? 0),
                // An advisory check (required: false) never blocks: its errors are warnings, as on the
                // console, in GitHub annotations and in the other reports.
                "level": .string(Self.level(f.severity == .error && !check.required ? .warning : f.severity)),
                "message": ["text": .string(f.message.isEmpty ? f.rule : f.message)],
                "partialFingerprints": ["gateFingerprint/v1": .string(f.fingerprint)],
                "properties": .object(Self.properties(check, f)),
            ]
            if let loc = Self.location(check, f) { r["locations"] = [loc] }
            if f.waived {
                r["suppressions"] = [["kind": "external", "justification": .string(f.waiver ?? "waived")]]
            }
            return .object(r)
        }

        let notifications: [JSONValue] = report.checks.filter { $0.status == .error || $0.status == .timedOut }.map { c in
            [
                "level": c.required ? "error" : "warning",
                "message": ["text": .string("check '\(c.id)' \(c.status.rawValue): \(c.reason ?? c.summary)")],
                "descriptor": ["id": .string(c.verifier)],
            ]
        }
        var invocation: [String: JSONValue] = [
            "executionSuccessful": .bool(report.status != .error && !report.interrupted),
            "exitCode": .int(Int(report.exitCode)),
        ]
        if !notifications.isEmpty { invocation["toolExecutionNotifications"] = .array(notifications) }

        var runProps: [String: JSONValue] = ["suite": .string(report.suite), "status": .string(report.status.rawValue)]
        // A passing check has no results to mark, so the run lists the checks reused from the cache.
        let cached = report.checks.filter { $0.cached == true }.map { JSONValue.string($0.id) }
        if !cached.isEmpty { runProps["cachedChecks"] = .array(cached) }
        if let s = report.shard { runProps["shard"] = .string("\(s.index)/\(s.count)") }
        if let p = report.partial { runProps["partial"] = .string(p) }
        if dropped > 0 {
            runProps["truncated"] = true
            runProps["droppedResults"] = .int(dropped)
        }
        // Findings the checks themselves did not keep (FindingLimits) never became results.
        let notKept = report.checks.reduce(0) { $0 + $1.droppedCount }
        if notKept > 0 {
            runProps["truncated"] = true
            runProps["droppedFindings"] = .int(notKept)
        }
        let run: JSONValue = [
            "tool": ["driver": [
                "name": "gate", "version": .string(report.gateVersion), "semanticVersion": .string(report.gateVersion),
                "rules": .array(rules),
            ]],
            "automationDetails": ["id": .string("\(report.suite)/")],
            "invocations": [.object(invocation)],
            "results": .array(results),
            "columnKind": "unicodeCodePoints",
            "properties": .object(runProps),
        ]
        let doc: JSONValue = ["$schema": .string(Self.schemaURI), "version": "2.1.0", "runs": [run]]
        var data = try JSONReportWriter.encoder.encode(doc)
        data.append(0x0A)
        return data
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    private static func properties(_ check: CheckResult, _ f: Finding) -> [String: JSONValue] {
        var p: [String: JSONValue] = ["check": .string(check.id)]
        if check.cached == true { p["cached"] = true }
        if let e = f.evidence { p["evidence"] = .object(e.mapValues { .string($0) }) }
        if let h = f.help { p["help"] = .string(h) }
        return p
    }

    /// A repository-relative location: the check root joined with the finding path, or the check's line in
    /// the suite file for findings that have no path.
    static func location(_ check: CheckResult, _ f: Finding) -> JSONValue? {
        var uri: String
        var line = f.line ?? 1
        var column = f.column
        if let path = f.path {
            let root = check.root ?? "."
            uri = root == "." ? path : PathUtil.normalize(root + "/" + path)
        } else if let source = check.source, let colon = source.lastIndex(of: ":") {
            uri = String(source[..<colon])
            line = Int(source[source.index(after: colon)...]) ?? 1
            column = nil
        } else {
            return nil
        }
        if uri.hasPrefix("/") { uri = "file://" + uri }
        var region: [String: JSONValue] = ["startLine": .int(max(1, line))]
        if let c = column { region["startColumn"] = .int(max(1, c)) }
        var artifact: [String: JSONValue] = ["uri": .string(Self.percentEncode(uri))]
        if !uri.hasPrefix("file://") { artifact["uriBaseId"] = "%SRCROOT%" }
        return ["physicalLocation": ["artifactLocation": .object(artifact), "region": .object(region)]]
    }

    /// URIs may not carry spaces or other reserved bytes raw.
    static func percentEncode(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#[]")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}

import Foundation

/// The waivers in force for one run, evaluated as of one instant (the run's start), applied to each
/// check's result as it finishes so that a fully waived check is `waived` and satisfies `needs`.
public struct WaiverSet: Sendable {
    public let waivers: [Waiver]
    public let asOf: Date
    /// The waivers file, absolute, so that `gate/waiver-expired` findings can point at the entry.
    public let file: String?
    private let index: WaiverIndex

    public init(_ waivers: [Waiver], asOf: Date, file: String? = nil) {
        self.waivers = waivers
        self.asOf = asOf
        self.file = file
        self.index = WaiverIndex(waivers)
    }

    public static let empty = WaiverSet([], asOf: Date(timeIntervalSince1970: 0))

    public var isEmpty: Bool { waivers.isEmpty }

    /// The same waivers, judged as of `date`.
    public func asOf(_ date: Date) -> WaiverSet { WaiverSet(waivers, asOf: date, file: file) }

    /// Marks the findings an active waiver covers, adds a `gate/waiver-expired` warning for each expired
    /// waiver that matched a finding here or names this check, and derives the status again: a check whose
    /// failing findings are all waived is `waived`. `checkRoot` is absolute; finding paths are relative to it.
    /// Results that are not `passed`, `failed` or `waived` (errors, timeouts, skips) are returned unchanged.
    public func apply(to result: CheckResult, checkRoot: String) -> CheckResult {
        guard !waivers.isEmpty, [.passed, .failed, .waived].contains(result.status) else { return result }
        var r = result
        var expiredHits: [Int: Int] = [:]
        var newlyWaived = 0
        for i in r.findings.indices where !r.findings[i].waived {
            var applied = false
            // Candidates in file order, so that the first matching active waiver is the one named.
            for w in index.candidates(for: r.findings[i], checkID: r.id) where waivers[w].matches(r.findings[i], checkID: r.id) {
                if waivers[w].isExpired(asOf: asOf) {
                    expiredHits[w, default: 0] += 1
                } else if !applied {
                    r.findings[i].waived = true
                    r.findings[i].waiver = waivers[w].label
                    applied = true
                    newlyWaived += 1
                }
            }
        }
        var added: [Finding] = []
        for w in waivers.indices where waivers[w].isExpired(asOf: asOf) {
            let hits = expiredHits[w] ?? 0
            guard hits > 0 || waivers[w].check == r.id else { continue }
            added.append(expiredFinding(waivers[w], hits: hits, checkRoot: checkRoot))
        }
        // Findings that were not kept were checked against the waivers when they were dropped.
        let dropped = r.droppedFindings ?? []
        let droppedWaived = dropped.reduce(0) { $0 + ($1.waived ?? 0) }
        guard newlyWaived > 0 || droppedWaived > 0 || !added.isEmpty else { return r }
        r.findings = (r.findings + added).sorted(by: Finding.reportOrder)
        r.rules = Array(Set(r.rules + added.map(\.rule))).sorted()

        let errors = r.findings.filter { $0.severity == .error }
        let droppedErrors = dropped.filter { $0.severity == .error }
        if r.status == .failed || r.status == .waived, !errors.isEmpty || !droppedErrors.isEmpty {
            r.status = errors.allSatisfy(\.waived) && droppedErrors.allSatisfy({ $0.unwaived == 0 }) ? .waived : .failed
        }
        let waivedCount = newlyWaived + droppedWaived
        if waivedCount > 0 {
            r.summary += r.summary.isEmpty ? "\(waivedCount) waived" : " (\(waivedCount) waived)"
        }
        if r.status == .waived {
            r.reason = "every failing finding is covered by a waiver in \(waivers[0].location.file)"
        }
        return r
    }

    /// True when an active waiver covers `finding` in check `checkID` (the finding is not changed).
    public func covers(_ finding: Finding, checkID: String) -> Bool {
        index.candidates(for: finding, checkID: checkID).contains { w in
            waivers[w].matches(finding, checkID: checkID) && !waivers[w].isExpired(asOf: asOf)
        }
    }

    private func expiredFinding(_ w: Waiver, hits: Int, checkRoot: String) -> Finding {
        var path: String?
        if let file, PathUtil.isInside(file, checkRoot) { path = PathUtil.relative(file, to: checkRoot) }
        let covered = hits == 0 ? "it matches nothing here any more; remove it"
            : "it no longer covers \(hits) \(hits == 1 ? "finding" : "findings"); fix them or renew the waiver after review"
        return Finding(
            rule: CoreRules.waiverExpired.id, severity: .warning,
            message: "waiver for \(w.selectorText) expired on \(w.expiresText) (\(w.owner), \(w.location.file):\(w.location.line)): "
                + covered,
            path: path, line: path == nil ? nil : w.location.line, identity: w.identity,
            evidence: ["owner": w.owner, "expires": w.expiresText, "reason": w.reason],
            help: CoreRules.waiverExpired.help)
    }
}

/// Narrows the waivers worth matching against one finding: each waiver is filed under its most selective
/// literal selector (fingerprint, exact path, file name, rule, check), and the rest are tried for every
/// finding. `Waiver.matches` still decides; the index only skips waivers that cannot match.
struct WaiverIndex: Sendable {
    private var byFingerprint: [String: [Int]] = [:]
    private var byPath: [String: [Int]] = [:]
    private var byName: [String: [Int]] = [:]
    private var byRule: [String: [Int]] = [:]
    private var byCheck: [String: [Int]] = [:]
    private var general: [Int] = []

    init(_ waivers: [Waiver]) {
        for (i, w) in waivers.enumerated() {
            if let f = w.fingerprint {
                byFingerprint[f, default: []].append(i)
            } else if let p = w.path, Self.isLiteral(p), !p.hasSuffix("/") {
                var key = p
                if key.hasPrefix("./") { key.removeFirst(2) }
                if key.hasPrefix("/") {
                    key.removeFirst()
                    byPath[key, default: []].append(i)
                } else if key.contains("/") {
                    byPath[key, default: []].append(i)
                } else {
                    byName[key, default: []].append(i)
                }
            } else if let rule = w.rule, Self.isLiteral(rule) {
                byRule[rule, default: []].append(i)
            } else if let c = w.check {
                byCheck[c, default: []].append(i)
            } else {
                general.append(i)
            }
        }
    }

    /// Indices of the waivers that might match, ascending.
    func candidates(for f: Finding, checkID: String) -> [Int] {
        var out = general
        if let a = byFingerprint[f.fingerprint] { out += a }
        if let a = byRule[f.rule] { out += a }
        if let a = byCheck[checkID] { out += a }
        if let p = f.path {
            if let a = byPath[p] { out += a }
            if let a = byName[String(p.split(separator: "/").last ?? "")] { out += a }
        }
        return out.count > 1 ? out.sorted() : out
    }

    static func isLiteral(_ pattern: String) -> Bool {
        !pattern.contains { "*?[]{}\\".contains($0) }
    }
}

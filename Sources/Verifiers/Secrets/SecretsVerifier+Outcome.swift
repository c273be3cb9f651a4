import GateCore

extension SecretsVerifier {
    /// Findings, suppressions, summary, stats and log from the scan's hits.
    func outcome(_ hits: [SecretHit], stats: ScanStats) throws -> CheckOutcome {
        let baseline = try options.baseline.map { try Baseline.read($0, display: options.baselineDisplay ?? $0) }
        var findings: [Finding] = []
        var inlineWaived = 0, baselineWaived = 0, gitleaksWaived = 0
        var recorded: [Baseline.Entry] = []
        var matchedBaseline = Set<Baseline.Entry>()
        for h in hits {
            let spec = engine.rules[h.rule].spec
            var f = finding(h, spec)
            // The baseline is a file this verifier writes itself, outside the scheduler's redaction: a path
            // with a token in its name is written (and matched) redacted.
            let entry = Baseline.Entry(path: Redactor.shapesOnly.redact(h.path), rule: spec.qualifiedID, secret: h.secretHash)
            if h.inlineIgnored && options.inlineIgnores {
                // An inline marker declares a known non-secret: counted, not reported, so the check passes
                // (a baseline entry, by contrast, is known debt and stays visible as a waived finding).
                inlineWaived += 1
                continue
            } else {
                recorded.append(entry)
                if let baseline, baseline.entries.contains(entry) {
                    f.waived = true
                    f.waiver = "listed in the baseline '\(options.baselineDisplay ?? "")'"
                    baselineWaived += 1
                    matchedBaseline.insert(entry)
                } else if let gitleaksIgnore, gitleaksIgnore.lists(path: h.path, line: h.line, commit: h.commit, spec: spec) {
                    f.waived = true
                    f.waiver = "listed in '\(GitleaksIgnore.fileName)'"
                    gitleaksWaived += 1
                }
            }
            findings.append(f)
        }
        if let path = options.writeBaseline {
            try Baseline(entries: recorded).write(path)
            // The file now lists every finding: report them as known, as the next run with 'baseline' will.
            for i in findings.indices where !findings[i].waived {
                findings[i].waived = true
                findings[i].waiver = "written to the baseline '\(options.writeBaselineDisplay ?? path)'"
                baselineWaived += 1
            }
        }

        var json = stats.json
        json["findings"] = .int(findings.count)
        json["rules"] = .int(engine.rules.count)
        if inlineWaived > 0 { json["inlineIgnored"] = .int(inlineWaived) }
        if baselineWaived > 0 { json["baselined"] = .int(baselineWaived) }
        if gitleaksWaived > 0 { json["gitleaksIgnored"] = .int(gitleaksWaived) }
        if let baseline { json["baselineStale"] = .int(baseline.entries.subtracting(matchedBaseline).count) }
        let refusedMarkers = options.inlineIgnores ? 0 : hits.filter(\.inlineIgnored).count
        if refusedMarkers > 0 { json["inlineIgnoresRefused"] = .int(refusedMarkers) }

        let open = findings.filter { !$0.waived }.count
        var summary = "\(open) \(open == 1 ? "secret" : "secrets") in "
        if options.history || options.staged {
            summary += options.staged ? "staged changes (\(Format.count(stats.files)) files)"
                : "\(Format.count(stats.commits)) commits (\(Format.count(stats.files)) file changes)"
        } else {
            summary += "\(Format.count(stats.files)) files (\(Format.bytes(stats.bytes)))"
        }
        var notes: [String] = []
        if inlineWaived > 0 { notes.append("\(inlineWaived) allowed inline") }
        if baselineWaived > 0 { notes.append("\(baselineWaived) in the baseline") }
        if gitleaksWaived > 0 { notes.append("\(gitleaksWaived) in \(GitleaksIgnore.fileName)") }
        if refusedMarkers > 0 { notes.append("\(refusedMarkers) inline markers refused") }
        let skipped = stats.binary + stats.tooLarge
        if skipped > 0 { notes.append("\(Format.count(skipped)) binary or large files skipped") }
        if !notes.isEmpty { summary += "; " + notes.joined(separator: ", ") }

        var log = stats.logLines + engine.notes.map { "note: " + $0 }
        if let w = options.writeBaselineDisplay { log.append("wrote \(recorded.count) entries to the baseline '\(w)'") }

        let builtinIDs = Set(Self.descriptor.rules.map(\.id))
        let extra = engine.rules.map(\.spec).filter { !builtinIDs.contains($0.qualifiedID) }.map(Self.describe)
        return CheckOutcome(findings: findings, summary: summary, stats: json, rules: evaluatedRules, extraRules: extra,
                            log: log.isEmpty ? nil : log.joined(separator: "\n"))
    }

    private func finding(_ h: SecretHit, _ spec: RuleSpec) -> Finding {
        var message = "\(spec.description) '\(h.preview)' in '\(h.path)'"
        var evidence = ["preview": h.preview, "secretHash": h.secretHash, "confidence": spec.confidence.rawValue]
        if let d = h.decoded {
            message += " (\(d))"
            evidence["decoded"] = d
        }
        if let c = h.commit {
            message += " added in commit \(c.prefix(12))"
            evidence["commit"] = c
        }
        return Finding(rule: spec.qualifiedID, severity: spec.severity, message: message, path: h.path, line: h.line,
                       column: h.column, identity: h.secretHash, evidence: evidence, help: spec.help ?? Self.defaultHelp)
    }
}

import GateCore

extension SecretsVerifier {
    /// Findings, suppressions, summary, stats and log from the scan's hits.
    func outcome(_ hits: [SecretHit], stats: ScanStats, context: CheckContext) throws -> CheckOutcome {
        let key = FingerprintKey.load(environment: context.environment, stateDirectory: context.stateDirectory)
        var findings: [Finding] = []
        var inlineWaived = 0
        // The hits that are reported (not dropped by an inline marker), with their baseline place.
        var reported: [(hit: SecretHit, place: Baseline.Place)] = []
        for h in hits {
            if h.inlineIgnored && options.inlineIgnores {
                // An inline marker declares a known non-secret: counted, not reported, so the check passes
                // (a baseline entry, by contrast, is known debt and stays visible as a waived finding).
                inlineWaived += 1
                continue
            }
            // The baseline is a file this verifier writes itself, outside the scheduler's redaction: a path
            // with a token in its name is written (and matched) redacted.
            reported.append((h, Baseline.Place(path: Redactor.shapesOnly.redact(h.path), rule: engine.rules[h.rule].spec.qualifiedID)))
            findings.append(finding(h, engine.rules[h.rule].spec, key: key))
        }

        var notes: [String] = []
        var log: [String] = []
        if let note = key.note { log.append("note: " + note) }
        let suppression = try applyBaseline(reported, to: &findings, notes: &notes, log: &log)
        var gitleaksWaived = 0
        if let gitleaksIgnore {
            for (i, r) in reported.enumerated() where !findings[i].waived
                && gitleaksIgnore.lists(path: r.hit.path, line: r.hit.line, commit: r.hit.commit, spec: engine.rules[r.hit.rule].spec) {
                findings[i].waived = true
                findings[i].waiver = "listed in '\(GitleaksIgnore.fileName)'"
                gitleaksWaived += 1
            }
        }
        var written: Int?
        if let path = options.writeBaseline {
            written = try writeBaseline(reported, to: path)
            // The file now lists every finding: report them as known, as the next run with 'baseline' will.
            for i in findings.indices where !findings[i].waived {
                findings[i].waived = true
                findings[i].waiver = "written to the baseline '\(options.writeBaselineDisplay ?? path)'"
            }
        }

        var json = stats.json
        json["findings"] = .int(findings.count)
        json["rules"] = .int(engine.rules.count)
        if inlineWaived > 0 { json["inlineIgnored"] = .int(inlineWaived) }
        if suppression.waived > 0 { json["baselined"] = .int(suppression.waived) }
        if gitleaksWaived > 0 { json["gitleaksIgnored"] = .int(gitleaksWaived) }
        if let stale = suppression.stale { json["baselineStale"] = .int(stale) }
        if let written { json["baselineWritten"] = .int(written) }
        let documentation = findings.filter { $0.evidence?["documentation"] != nil }.count
        if documentation > 0 { json["inDocumentation"] = .int(documentation) }
        let refusedMarkers = options.inlineIgnores ? 0 : hits.filter(\.inlineIgnored).count
        if refusedMarkers > 0 { json["inlineIgnoresRefused"] = .int(refusedMarkers) }

        let scope: String
        if options.history || options.staged {
            scope = options.staged ? "staged changes (\(Format.count(stats.files)) files)"
                : "\(Format.count(stats.commits)) commits (\(Format.count(stats.files)) file changes)"
        } else {
            scope = "\(Format.count(stats.files)) files (\(Format.bytes(stats.bytes)))"
        }
        var summary: String
        if let written {
            summary = "baseline written: \(Format.count(written)) \(written == 1 ? "entry" : "entries") from \(scope)"
        } else {
            let open = findings.filter { !$0.waived }.count
            summary = "\(open) \(open == 1 ? "secret" : "secrets") in \(scope)"
        }
        if inlineWaived > 0 { notes.append("\(inlineWaived) allowed inline") }
        if suppression.waived > 0 { notes.append("\(suppression.waived) in the baseline") }
        if gitleaksWaived > 0 { notes.append("\(gitleaksWaived) in \(GitleaksIgnore.fileName)") }
        if documentation > 0 { notes.append("\(documentation) in documentation (warnings)") }
        if refusedMarkers > 0 { notes.append("\(refusedMarkers) inline markers refused") }
        if let w = options.writeBaselineDisplay, written != nil, options.baseline != options.writeBaseline {
            notes.append("set 'baseline: \(w)' so that later runs read it")
        }
        let skipped = stats.binary + stats.tooLarge
        if skipped > 0 { notes.append("\(Format.count(skipped)) binary or large files skipped") }
        if !notes.isEmpty { summary += "; " + notes.joined(separator: ", ") }

        log = stats.logLines + engine.notes.map { "note: " + $0 } + log
        if let w = options.writeBaselineDisplay, let written {
            log.append("wrote \(written) entries to the baseline '\(w)'"
                + (options.baseline == options.writeBaseline ? "" : "; set 'baseline: \(w)' so that later runs read it"))
        }

        let builtinIDs = Set(Self.descriptor.rules.map(\.id))
        let extra = engine.rules.map(\.spec).filter { !builtinIDs.contains($0.qualifiedID) }.map(Self.describe)
        // Writing a baseline records the findings: the check did its job and passes.
        return CheckOutcome(findings: findings, summary: summary, stats: json, rules: evaluatedRules, extraRules: extra,
                            log: log.isEmpty ? nil : log.joined(separator: "\n"), status: written == nil ? nil : .passed)
    }

    private func finding(_ h: SecretHit, _ spec: RuleSpec, key: FingerprintKey) -> Finding {
        var message = "\(spec.description) '\(h.preview)' in '\(h.path)'"
        var evidence = ["preview": h.preview, "confidence": spec.confidence.rawValue]
        var severity = spec.severity
        if let d = h.decoded {
            message += " (\(d))"
            evidence["decoded"] = d
        }
        if let c = h.commit {
            message += " added in commit \(c.prefix(12))"
            evidence["commit"] = c
        }
        if !h.alsoIn.isEmpty {
            let shown = h.alsoIn.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            message += "; the same value was added later in \(shown)" + (h.alsoIn.count > 5 ? " and \(h.alsoIn.count - 5) more" : "")
            evidence["alsoIn"] = h.alsoIn.prefix(50).joined(separator: "\n")
        }
        // Documentation is full of example values; a format that identifies itself (a checksummed token, a
        // private key) is as real there as anywhere, the others are warnings.
        if severity == .error, spec.confidence != .high, DocumentationFiles.contains(h.path) {
            severity = .warning
            message += " (a warning: in documentation, most such values are examples)"
            evidence["documentation"] = "true"
        }
        return Finding(rule: spec.qualifiedID, severity: severity, message: message, path: h.path, line: h.line,
                       column: h.column, identity: key.identity(rule: spec.qualifiedID, value: h.value), evidence: evidence,
                       help: spec.help ?? Self.defaultHelp)
    }
}

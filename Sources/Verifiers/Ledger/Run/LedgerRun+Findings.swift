import GateCore

extension LedgerRun {
    /// The first broken record, diagnosed, and a warning for the first number RFC 8785 could not keep.
    func breakFindings(_ outcome: ScanOutcome) -> [Finding] {
        var findings: [Finding] = []
        if let first = outcome.firstBreak {
            findings.append(Self.breakFinding(first, outcome: outcome, source: source, settings: settings, prefix: ""))
        }
        if let (place, loss) = outcome.firstPrecisionLoss {
            let more = outcome.precisionLosses > 1 ? " (\(outcome.precisionLosses - 1) more record\(outcome.precisionLosses == 2 ? "" : "s") like it, counted)" : ""
            findings.append(Finding(
                rule: "ledger/number-precision", severity: .warning,
                message: "\(Self.name(place, source)): the number \(loss.written) at '\(loss.key)' has more precision than a double holds; "
                    + "RFC 8785 writes it as \(loss.canonical), so a writer that kept every digit hashed other bytes\(more)",
                path: source.partName(place.part), line: source.isTable ? nil : place.line, identity: "precision:\(loss.key)",
                evidence: ["key": loss.key, "written": loss.written, "canonical": loss.canonical],
                help: "Store amounts and ids beyond 2^53 as strings."))
        }
        return findings
    }

    static func breakFinding(_ first: FirstBreak, outcome: ScanOutcome, source: any LedgerSource, settings: CheckSettings,
                             prefix: String) -> Finding {
        let diagnosis = BreakDiagnosis(first, source: source, settings: settings)
        let report = diagnosis.report()
        var subject = name(first.place, source)
        var details: [String] = []
        if let s = first.sequence ?? diagnosis.record?.sequence { details.append("sequence \(s)") }
        if let id = diagnosis.record?.id { details.append("\(settings.fields.id ?? "id") '\(id)'") }
        if !details.isEmpty { subject += " (" + details.joined(separator: ", ") + ")" }
        var message = prefix + subject + ": " + report.problem
        if let expected = report.expected, let found = report.found {
            message += "; expected \(expected), found \(found)"
        }
        message += "; likely cause: \(report.cause)"
        let also = alsoBroken(first.kinds, primary: report.rule)
        if !also.isEmpty { message += " (also: \(also.joined(separator: ", ")))" }
        if outcome.brokenAfter > 0 {
            message += ". \(outcome.brokenAfter.grouped) more record\(outcome.brokenAfter == 1 ? "" : "s") after it fail their checks (counted, not reported)"
        }
        var evidence = report.extra
        evidence["cause"] = report.cause
        if let e = report.expected { evidence["expected"] = e }
        if let f = report.found { evidence["found"] = f }
        evidence["record"] = String(first.place.ordinal)
        if let key = first.place.key { evidence["order-key"] = key }
        if let s = first.sequence ?? diagnosis.record?.sequence { evidence["sequence"] = String(s) }
        if let id = diagnosis.record?.id { evidence["id"] = id }
        if outcome.brokenAfter > 0 { evidence["broken-after"] = String(outcome.brokenAfter) }
        return Finding(rule: report.rule, message: message, path: source.partName(first.place.part),
                       line: source.isTable ? nil : first.place.line,
                       column: Int(evidence["column"] ?? ""),
                       identity: "\(prefix)first-break:\(report.rule):\(evidence["sequence"] ?? String(first.place.ordinal))",
                       evidence: evidence, help: report.help)
    }

    /// `line 42 of receipts.jsonl` or `row 42 (key 1042) of receipts`.
    static func name(_ place: RecordPlace, _ source: any LedgerSource) -> String {
        if source.isTable {
            return "row \(place.line.grouped)" + (place.key.map { " (\($0))" } ?? "") + " of \(source.partName(place.part))"
        }
        return "line \(place.line.grouped) of \(source.partName(place.part))"
    }

    private static func alsoBroken(_ kinds: BreakKinds, primary: String) -> [String] {
        var out: [String] = []
        if primary != "ledger/chain-break" && !kinds.isDisjoint(with: BreakKinds.chain) { out.append("the chain link breaks here") }
        if primary != "ledger/sequence" && !kinds.isDisjoint(with: BreakKinds.sequence) { out.append("the sequence number is out of step") }
        if primary != "ledger/timestamp" && !kinds.isDisjoint(with: BreakKinds.timestamp) { out.append("the timestamp goes back") }
        return out
    }
}

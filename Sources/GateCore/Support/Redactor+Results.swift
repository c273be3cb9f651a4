extension Redactor {
    /// The result with every string in it redacted: what the check's reports, console lines, annotations,
    /// step summary and history row are made of. Fingerprints are kept (they are hashes, and waivers and
    /// baselines match on them).
    public func scrub(_ result: CheckResult) -> CheckResult {
        var r = result
        var memo = Memo(self)
        r.description = r.description.map(redact)
        r.summary = redact(r.summary)
        r.reason = r.reason.map(redact)
        r.log = r.log.map(redact)
        r.stats = scrub(r.stats)
        r.rules = r.rules.map { memo.redact($0) }
        r.findings = r.findings.map { scrub($0, &memo) }
        r.droppedFindings = r.droppedFindings?.map { d in var d = d; d.rule = memo.redact(d.rule); return d }
        r.tags = r.tags?.map { memo.redact($0) }
        r.source = r.source.map(redact)
        r.root = r.root.map(redact)
        if let note = r.cache?.note { r.cache?.note = redact(note) }
        r.extraRules = r.extraRules.map { scrub($0, &memo) }
        r.testcases = r.testcases.map { scrub($0, &memo) }
        return r
    }

    /// The outcome with every string in it redacted, for the result cache.
    public func scrub(_ outcome: CheckOutcome) -> CheckOutcome {
        var o = outcome
        var memo = Memo(self)
        o.summary = redact(o.summary)
        o.log = o.log.map(redact)
        o.stats = scrub(o.stats)
        o.rules = o.rules?.map { memo.redact($0) }
        o.findings = o.findings.map { scrub($0, &memo) }
        o.dropped = o.dropped.map { d in var d = d; d.rule = memo.redact(d.rule); return d }
        o.extraRules = o.extraRules.map { scrub($0, &memo) }
        o.testcases = o.testcases.map { scrub($0, &memo) }
        return o
    }

    public func scrub(_ stats: [String: JSONValue]) -> [String: JSONValue] {
        guard !stats.isEmpty else { return stats }
        return Dictionary(stats.map { (redact($0.key), scrub($0.value)) }, uniquingKeysWith: { a, _ in a })
    }

    public func scrub(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): .string(redact(s))
        case .array(let a): .array(a.map(scrub))
        case .object(let o): .object(scrub(o))
        case .null, .bool, .int, .double: value
        }
    }

    private func scrub(_ finding: Finding, _ memo: inout Memo) -> Finding {
        var f = finding
        f.rule = memo.redact(f.rule)
        f.message = redact(f.message)
        f.path = f.path.map(redact)
        f.help = f.help.map { memo.redact($0) }
        if let e = f.evidence {
            f.evidence = Dictionary(e.map { (memo.redact($0.key), redact($0.value)) }, uniquingKeysWith: { a, _ in a })
        }
        f.waiver = f.waiver.map { memo.redact($0) }
        return f
    }

    private func scrub(_ rule: RuleDescriptor, _ memo: inout Memo) -> RuleDescriptor {
        var d = rule
        d.id = memo.redact(d.id)
        d.summary = memo.redact(d.summary)
        d.help = d.help.map { memo.redact($0) }
        return d
    }

    private func scrub(_ layout: TestcaseLayout, _ memo: inout Memo) -> TestcaseLayout {
        TestcaseLayout(names: layout.names.map { memo.redact($0) },
                       assignments: layout.assignments.mapValues { memo.redact($0) },
                       ingested: layout.ingested?.map { t in
                           var t = t
                           t.classname = memo.redact(t.classname)
                           t.name = memo.redact(t.name)
                           t.file = t.file.map { memo.redact($0) }
                           t.message = t.message.map { memo.redact($0) }
                           t.text = t.text.map { memo.redact($0) }
                           return t
                       })
    }

    /// Rule ids, help texts and evidence keys repeat across the findings of a check: each is redacted once.
    private struct Memo {
        let redactor: Redactor
        var seen: [String: String] = [:]

        init(_ redactor: Redactor) { self.redactor = redactor }

        mutating func redact(_ s: String) -> String {
            if let known = seen[s] { return known }
            let out = redactor.redact(s)
            if seen.count < 4096 { seen[s] = out }
            return out
        }
    }
}

extension BreakDiagnosis {
    // MARK: Links

    /// The record hashes fine but does not follow the record before it. Where does it belong?
    func chain() -> BreakReport {
        guard let r = record, r.valid, at > 0 else {
            return BreakReport(rule: "ledger/chain-break", problem: "the record does not link to the record before it",
                               cause: "the records around it could not be read again", help: Self.chainHelp)
        }
        let before = records[at - 1]
        var report = BreakReport(rule: "ledger/chain-break", problem: "the record does not link to the record before it (\(line(at - 1)))",
                                 cause: "", help: Self.chainHelp)
        if let chain = r.chain, before.valid, let previous = before.chain {
            let form = settings.chain.input == .bytes ? previous : before.chainText
            report.expected = encode(settings.link(form, r.input))
            report.found = encode(chain)
        }
        if first.kinds.contains(.prev) && !first.kinds.contains(.link), let name = settings.fields.prev {
            report.problem = "its '\(name)' does not point to the record before it (\(line(at - 1)))"
            if let prev = r.prev { report.found = encode(prev) }
            if let target = settings.fields.prevPointsToChain ? before.chain : Optional(before.hash) { report.expected = encode(target) }
        }
        report.cause = chainCause(r, before)
        return report
    }

    private func chainCause(_ r: ProbedRecord, _ before: ProbedRecord) -> String {
        // Its true predecessor elsewhere in the window.
        if let q = records.indices.first(where: { $0 != at - 1 && $0 != at && probe.links(records[$0], r) }) {
            if q > at {
                return "reordered: the record links to the record at \(line(q)), which comes after it; records were moved or swapped"
            }
            let count = at - 1 - q
            return "inserted: the record links to \(line(q)), so the \(count == 1 ? "record" : "\(count) records") at "
                + (count == 1 ? line(q + 1) : "\(line(q + 1)) to \(line(at - 1))") + " \(count == 1 ? "is" : "are") not part of the chain"
        }
        // The next record follows the one before: this one was slipped in.
        if at + 1 < records.count, probe.links(before, records[at + 1]) {
            return "inserted: the next record (\(line(at + 1))) links to the record before this one, so this record is not part of the chain"
        }
        if let s = r.sequence, let p = before.sequence {
            if s > p + 1 {
                let missing = s - p - 1
                return "removed: \(missing == 1 ? "one record is" : "\(missing) records are") missing before it (sequence "
                    + (missing == 1 ? "\(p + 1)" : "\(p + 1)–\(s - 1)") + "); each remaining record hashes correctly"
            }
            if s == p + 1 {
                return "the record before it (\(line(at - 1))) was rewritten with recomputed hashes, or this record's chain hash was altered: "
                    + "the sequence has no gap, each record hashes correctly, but the chain does not run from one to the other"
            }
        }
        if let prev = r.prev, prev != (settings.fields.prevPointsToChain ? before.chain : before.hash) {
            let known = records.contains { ($0.chain == prev && settings.fields.prevPointsToChain) || ($0.hash == prev && !settings.fields.prevPointsToChain) }
            if !known {
                return "removed: its '\(settings.fields.prev ?? "prev")' points to a record that is no longer in the ledger"
            }
        }
        return "a record was removed before it (its predecessor is not in the ledger), or it was edited and re-hashed without its chain hash being recomputed"
    }

    static let chainHelp = "Restore the ledger from a backup taken before the break, or compare it with one ('compare:'); never rebuild the chain over records you have not verified."

    // MARK: The first record

    func genesis() -> BreakReport {
        var report = BreakReport(rule: "ledger/chain-break", problem: "the first record does not link to the genesis value '\(settings.chain.genesisName)'",
                                 cause: "", help: "Set 'genesis' to the value the writer starts from, or restore the records cut from the front.")
        guard let r = record, r.valid else { report.cause = "the first record could not be read again"; return report }
        if let chain = r.chain {
            report.expected = encode(settings.link(settings.genesis, r.input))
            report.found = encode(chain)
            var candidates = ["zeros", "empty"]
            if let prev = r.prev { candidates.append(encode(prev)) }
            for name in candidates where name != settings.chain.genesisName {
                let g = ChainRules.genesis(name, hashing: settings.hashing)
                if settings.link(settings.chain.input == .bytes ? g.bytes : g.text, r.input) == chain {
                    report.cause = "the chain starts from '\(name)', not from '\(settings.chain.genesisName)': a setting, not a break"
                    report.help = "Set 'genesis: \(name)'."
                    return report
                }
            }
        }
        if let prev = r.prev, prev != settings.chain.genesisBytes {
            report.problem = "the first record's '\(settings.fields.prev ?? "prev")' is not the genesis value '\(settings.chain.genesisName)'"
        }
        if let s = r.sequence, let f = settings.fields.firstSequence, s != Int64(f) {
            report.cause = "removed from the front: the ledger starts at sequence \(s), not \(f), and its first record links to a record that is gone"
        } else {
            report.cause = "records before it were removed (the ledger was cut at the front), or the writer started the chain from another value"
        }
        return report
    }

    // MARK: Sequence numbers and time

    func sequence() -> BreakReport {
        let name = settings.fields.sequence ?? "sequence"
        var report = BreakReport(rule: "ledger/sequence", problem: "", cause: "",
                                 help: "Restore the missing or duplicated records from a backup; if the writer numbers records differently, fix 'sequence-field'.")
        let k = first.kinds
        let p = first.previousSequence, s = first.sequence
        if k.contains(.sequenceUnreadable) {
            report.problem = first.issue?.message ?? "'\(name)' cannot be read"
            report.cause = "a record written without a sequence number, or by another writer"
        } else if k.contains(.sequenceStart), let s {
            report.problem = "the first record has \(name) \(s), not \(settings.fields.firstSequence ?? 0)"
            report.cause = "removed from the front: the records before sequence \(s) are gone"
            report.expected = String(settings.fields.firstSequence ?? 0)
            report.found = String(s)
        } else if let p, let s {
            report.expected = String(p + 1)
            report.found = String(s)
            if k.contains(.sequenceRepeat) {
                report.problem = "\(name) \(s) repeats"
                report.cause = "a record was duplicated: written twice, replayed, or inserted as a copy"
            } else if k.contains(.sequenceBack) {
                report.problem = "\(name) goes back from \(p) to \(s)"
                report.cause = "reordered: records were moved or swapped"
            } else {
                let missing = s - p - 1
                report.problem = "\(name) jumps from \(p) to \(s)"
                report.cause = "removed: \(missing == 1 ? "one record is" : "\(missing) records are") missing (sequence "
                    + (missing == 1 ? "\(p + 1)" : "\(p + 1)–\(s - 1)") + ")"
            }
        }
        return report
    }

    func timestamp() -> BreakReport {
        let name = settings.fields.timestamp ?? "timestamp"
        var report = BreakReport(rule: "ledger/timestamp", problem: "", cause: "",
                                 help: "Check the writer's clock and the record order; raise 'max-skew' if writers on several hosts append to one ledger.")
        if first.kinds.contains(.timestampUnreadable) {
            report.problem = first.issue?.message ?? "'\(name)' cannot be read"
            report.cause = "a record written without a timestamp, or in another format"
        } else if let p = first.previousTimestamp, let t = first.timestamp {
            // In doubles: from 2262 back to 1677 is more nanoseconds than Int64 holds.
            let back = (Double(p) - Double(t)) / 1e9
            report.problem = "\(name) goes back from \(Timestamps.format(p)) to \(Timestamps.format(t)) (\(Self.seconds(back)) earlier, "
                + "more than the allowed skew of \(Self.seconds(Double(settings.fields.maxSkewNanoseconds) / 1e9)))"
            report.cause = "reordered records, or a writer whose clock went back"
            report.expected = "at or after \(Timestamps.format(p - settings.fields.maxSkewNanoseconds))"
            report.found = Timestamps.format(t)
        }
        return report
    }

    static func seconds(_ s: Double) -> String {
        if s == 0 { return "0s" }
        if s >= 1 && s == s.rounded() { return "\(Int(s))s" }
        return "\((s * 1000).rounded() / 1000)s"
    }
}

/// The first break explained: what is wrong with the record, what was expected and found, and the likely
/// cause, read from the records around it (up to 16 before and 64 after).
struct BreakReport: Sendable {
    var rule: String
    /// What is wrong, in a few words.
    var problem: String
    var cause: String
    var expected: String?
    var found: String?
    var help: String
    var extra: [String: String] = [:]
}

/// Works out why the first break happened. Each kind of break has its own reading of the neighbourhood:
/// an edited record re-hashes to something else (or, under another canonical form, to its stored hash:
/// an encoding difference); a removed, inserted or reordered record hashes fine but links to a record
/// that is missing, two places back, or further on.
struct BreakDiagnosis {
    let settings: CheckSettings
    let probe: RecordProbe
    let records: [ProbedRecord]
    /// Index of the broken record in `records`, and each record's part.
    let at: Int
    let parts: [Int]
    let source: any LedgerSource
    let first: FirstBreak

    init(_ first: FirstBreak, source: any LedgerSource, settings: CheckSettings) {
        self.first = first
        self.settings = settings
        let probe = RecordProbe(settings)
        self.probe = probe
        let window = (try? source.window(part: first.place.part, offset: first.place.offset, key: first.place.key,
                                         before: 16, after: 64, maxRecordBytes: settings.maxRecordBytes)) ?? (lines: [], at: 0)
        records = window.lines.map { probe.probe($0.bytes) }
        parts = window.lines.map(\.part)
        at = window.at
        self.source = source
    }

    var record: ProbedRecord? { at < records.count ? records[at] : nil }

    /// Names the record at window index `i`: `line 13` in the broken record's file, else with its file
    /// (`line 2 of audit.7.jsonl`, `the last line of audit.5.jsonl`).
    func line(_ i: Int) -> String {
        let part = parts[i]
        let word = source.isTable ? "row" : "line"
        if part == first.place.part { return "\(word) \(first.place.line + i - at)" }
        let name = source.partName(part)
        if part > first.place.part {
            let firstOfPart = parts.firstIndex(of: part) ?? i
            return "\(word) \(i - firstOfPart + 1) of \(name)"
        }
        let fromEnd = (parts.lastIndex(of: part) ?? i) - i
        return fromEnd == 0 ? "the last \(word) of \(name)" : "\(word) \(fromEnd + 1) from the end of \(name)"
    }

    func report() -> BreakReport {
        let k = first.kinds
        if k.contains(.invalid) { return invalid() }
        if k.contains(.recordHash) { return recordHash() }
        if k.contains(.genesis) { return genesis() }
        if !k.isDisjoint(with: [.link, .prev]) { return chain() }
        if !k.isDisjoint(with: BreakKinds.sequence) { return sequence() }
        return timestamp()
    }

    func encode(_ bytes: [UInt8]) -> String { settings.hashing.text.encode(bytes) }

    // MARK: Unreadable records

    private func invalid() -> BreakReport {
        let issue = first.issue ?? RecordIssue(message: "the line is not a record", column: nil, key: nil)
        var cause = "the line is not a record gate can read, so its hash and its link cannot be checked"
        let text = issue.message
        if text.hasPrefix("invalid UTF-8") {
            cause = "bytes that are not UTF-8: the file was damaged, or this record was written in another encoding"
        } else if text.hasPrefix("duplicate key") {
            cause = "the writer emitted a key twice; RFC 8785 (and I-JSON) refuse such records, and readers disagree on which value counts"
        } else if text.contains("not terminated") || text.contains("ends ") {
            cause = at == records.count - 1
                ? "a partial write: the last line stops in the middle of a record (an append was interrupted)"
                : "the line stops in the middle of a record: a partial write, or two writers interleaved"
        } else if text.contains("number out of range") {
            cause = "a number beyond the range of a double: RFC 8785 cannot canonicalise it (store such values as strings)"
        } else if text.hasPrefix("the line is") {
            cause = "a line far longer than any record: a corrupted file or a runaway writer (raise 'max-record-bytes' if records are this large)"
        } else if text.hasPrefix("the record has no") || text.contains("must be a string") || text.contains("decodes to") || text.contains("is not a") {
            cause = "the record lacks a well-formed hash member: written by another writer, or with other settings than 'hash-field', 'encoding', 'prefix' and 'algorithm' say"
        }
        var report = BreakReport(rule: "ledger/invalid-record", problem: text, cause: cause,
                                 help: "Restore the line from a backup or the writer's source; if the settings are wrong, fix them.")
        if let key = issue.key { report.extra["key"] = key }
        if let column = issue.column { report.extra["column"] = String(column) }
        return report
    }

    // MARK: Edited records and encoding differences

    private func recordHash() -> BreakReport {
        guard let r = record, r.valid else { return invalid() }
        let computed = probe.hash(r.bytes, form: settings.hashing.canonical, mode: settings.fields.hashFieldsAs) ?? []
        var report = BreakReport(rule: "ledger/record-hash", problem: "the record does not hash to the hash stored with it",
                                 cause: "", expected: encode(r.hash), found: encode(computed),
                                 help: "Restore the record from a backup; if it was re-encoded, not edited, set 'canonical' to the form that matches.")
        for form in CanonicalForm.allCases {
            for mode in HashFieldsMode.allCases where !(form == settings.hashing.canonical && mode == settings.fields.hashFieldsAs) {
                guard probe.hash(r.bytes, form: form, mode: mode) == r.hash else { continue }
                let members = mode == settings.fields.hashFieldsAs ? "" : " with the hash members \(mode.wording)"
                report.cause = "an encoding difference, not an edit: the record hashes to its stored value as \(form.title)\(members), "
                    + "not as \(settings.hashing.canonical.title); it was written or re-encoded in another canonical form"
                report.extra["matches"] = form.rawValue + (mode == .omit ? "" : " (hash-fields-as: \(mode.rawValue))")
                report.help = "If the whole ledger uses that form, set 'canonical: \(form.rawValue)'"
                    + (mode == settings.fields.hashFieldsAs ? "" : " and 'hash-fields-as: \(mode.rawValue)'")
                    + "; if only some records do, the writer changed its encoding at this record."
                return report
            }
        }
        let linkHolds = !first.kinds.contains(.link)
        report.cause = "edited: the record's content changed after it was hashed"
            + (linkHolds && settings.fields.chain != nil ? " (its chain link still holds, so only the content was changed, not the hashes)" : "")
        return report
    }
}

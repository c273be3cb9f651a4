/// How much of what a check finds gate keeps, so that a plugin that sends a 200 MB message or a store with
/// a million corrupt objects can neither exhaust memory nor produce reports nobody can open.
///
/// A check keeps its first `perRule` findings of each rule and its first `perCheck` findings in all, in
/// report order (path, line, rule), in full; the rest are counted by rule and severity
/// (`CheckResult.droppedFindings`). Every text field of a finding is cut to `fieldBytes` bytes of UTF-8 with
/// a marker saying how much was cut, and a finding whose fields together pass `findingBytes` has each
/// field cut further (to half, a quarter, ... of `fieldBytes`) until it fits. docs/hardening.md explains
/// the numbers.
public struct FindingLimits: Sendable, Equatable {
    /// Bytes of one text field (message, path, rule, help, each evidence value).
    public var fieldBytes = 8 << 10
    /// Bytes of all the text fields of one finding together.
    public var findingBytes = 16 << 10
    /// Findings kept per rule of one check.
    public var perRule = 1_000
    /// Findings kept per check.
    public var perCheck = 5_000
    /// Evidence entries kept per finding (by key order).
    public var evidenceEntries = 16
    /// Rules whose dropped findings are counted one by one; the others are counted together under `*`.
    public var droppedRules = 1_000

    public init() {}

    /// The limits every check runs with.
    public static let standard = FindingLimits()
}

/// Cuts text to a byte budget, marking the cut.
public enum FieldCap {
    /// `text` itself when it fits in `limit` bytes of UTF-8 and nothing was cut before; else as much of its
    /// start (whole characters) as fits in `limit` bytes together with a marker naming how many bytes were
    /// cut in all, so that capping capped text again changes nothing. `alreadyCut` counts bytes a streaming
    /// reader dropped before the text got here. `compact` gives a marker without spaces, for identifiers
    /// such as rule ids.
    public static func cap(_ text: String, limit: Int, alreadyCut: Int = 0, compact: Bool = false) -> String {
        let count = text.utf8.count
        guard count > limit || alreadyCut > 0 else { return text }
        // The longest marker this cut can need: the text is cut to fit beside it.
        let room = marker(cut: count + alreadyCut, compact: compact).utf8.count
        if count + room <= limit { return text + marker(cut: alreadyCut, compact: compact) }
        var bytes = Array(text.utf8.prefix(max(0, limit - room)))
        // Back to the start of the last whole scalar: drop a lead byte whose continuation was cut.
        if !bytes.isEmpty {
            var i = bytes.count - 1
            while i > 0 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            if i + length > bytes.count { bytes.removeSubrange(i...) }
        }
        return String(decoding: bytes, as: UTF8.self) + marker(cut: count - bytes.count + alreadyCut, compact: compact)
    }

    /// "…[cut 1,234 bytes]" (or "…[cut-1234-bytes]" when compact).
    public static func marker(cut: Int, compact: Bool = false) -> String {
        compact ? "…[cut-\(cut)-bytes]" : "…[cut \(NumberText.grouped(cut)) bytes]"
    }
}

extension Finding {
    /// The UTF-8 bytes of the finding's text fields (what `FindingLimits.findingBytes` bounds).
    public var textBytes: Int {
        var n = rule.utf8.count + message.utf8.count + (path?.utf8.count ?? 0) + (help?.utf8.count ?? 0)
            + (waiver?.utf8.count ?? 0)
        for (k, v) in evidence ?? [:] { n += k.utf8.count + v.utf8.count }
        return n
    }

    /// The finding with every text field within `limits` (see `FindingLimits`). The fingerprint is kept:
    /// it was computed from the whole fields. `cut` names fields that a streaming reader already cut, with
    /// the bytes it dropped, so that the marker counts them too.
    public func capped(_ limits: FindingLimits = .standard, cut: [String: Int] = [:]) -> Finding {
        var f = self
        if var e = f.evidence, e.count > limits.evidenceEntries {
            let keys = e.keys.sorted()
            for k in keys.dropFirst(limits.evidenceEntries) { e[k] = nil }
            e["…"] = "\(keys.count - limits.evidenceEntries) more evidence entries cut"
            f.evidence = e
        }
        guard f.textBytes > limits.findingBytes || f.anyField(over: limits.fieldBytes) || !cut.isEmpty else { return f }
        var limit = limits.fieldBytes
        while true {
            var c = f
            c.rule = FieldCap.cap(f.rule, limit: limit, alreadyCut: cut["rule"] ?? 0, compact: true)
            c.message = FieldCap.cap(f.message, limit: limit, alreadyCut: cut["message"] ?? 0)
            c.path = f.path.map { FieldCap.cap($0, limit: limit, alreadyCut: cut["path"] ?? 0) }
            c.help = f.help.map { FieldCap.cap($0, limit: limit, alreadyCut: cut["help"] ?? 0) }
            c.waiver = f.waiver.map { FieldCap.cap($0, limit: limit) }
            if let e = f.evidence {
                var out: [String: String] = [:]
                for (k, v) in e { out[FieldCap.cap(k, limit: min(limit, 256))] = FieldCap.cap(v, limit: limit) }
                c.evidence = out
            }
            if c.textBytes <= limits.findingBytes || limit <= 256 { return c }
            limit /= 2
        }
    }

    private func anyField(over limit: Int) -> Bool {
        if rule.utf8.count > limit || message.utf8.count > limit || (path?.utf8.count ?? 0) > limit
            || (help?.utf8.count ?? 0) > limit || (waiver?.utf8.count ?? 0) > limit { return true }
        return evidence?.contains { $0.key.utf8.count > 256 || $0.value.utf8.count > limit } ?? false
    }
}

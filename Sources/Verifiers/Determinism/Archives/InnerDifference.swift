/// One difference found inside an archive or a compressed stream, where it lives (`x/PKG-INFO` inside
/// `dist/x.tar.gz`) and what it is: a member's content, a header field, the member order, a member that
/// only one run wrote, or the compression alone.
struct InnerDifference: Sendable {
    enum Kind: Int, Sendable, Comparable {
        // The order is the lead order: what the build wrote before how it was packed.
        case content, presence, field, order, header, compression

        static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    var kind: Kind
    /// Members from the outside in, not counting the artifact itself (`["x/PKG-INFO"]`).
    var path: [String]
    /// The format where the difference is: "tar", "zip", "gzip", "ar", ...
    var format: String
    /// What differs: "mtime", "mode", "MTIME", "extra field 'UT' (extended timestamp)", "member order".
    var field: String?
    var valueA: String?
    var valueB: String?
    /// For content: the unpacked pair, kept under the check's `inside/` directory.
    var fileA: String?
    var fileB: String?
    /// Extra words for the cause analysis ("a shift of whole hours").
    var note: String?

    /// `dist/x.tar.gz › x/PKG-INFO`.
    func location(in artifact: String) -> String {
        ([artifact] + path).joined(separator: " › ")
    }

    /// "tar mode of 'd/a': 0644 vs 0600", "gzip header MTIME: ... vs ...", "content of 'x/PKG-INFO'".
    var summary: String {
        let member = path.last.map { " of '\($0)'" } ?? ""
        let values = valueA.flatMap { a in valueB.map { ": \(a) vs \($0)" } } ?? ""
        switch kind {
        case .content: return "content\(member)"
        case .presence: return "\(field ?? "member")\(values)"
        case .field: return "\(format) \(field ?? "field")\(member)\(values)"
        case .order: return "\(format) member order\(values)"
        case .header: return "\(format) header \(field ?? "")\(values)"
        case .compression: return "\(format): the same content compressed differently" + (note.map { " (\($0))" } ?? "")
        }
    }
}

/// All that one archive comparison found, the lead difference first.
struct ArchiveReport: Sendable {
    var differences: [InnerDifference]
    /// Limits reached and members that could not be read: said, never hidden.
    var notes: [String]
    /// The layers opened, outside in ("gzip", "tar").
    var layers: [String]

    var lead: InnerDifference? { differences.first }
}

import GateCore

/// Counters of one scan. Workers keep their own and the results are summed, so counting needs no locks.
struct ScanStats: Sendable {
    var files = 0
    var bytes = 0
    var binary = 0
    var tooLarge = 0
    var excluded = 0
    var symlinksSkipped = 0
    var unreadable = 0
    var vanished = 0
    var nonUTF8 = 0
    var allowlistedFiles = 0
    var regexLimit = 0
    var commits = 0
    /// Secrets found in decoded text (base64, hex, percent-encoding).
    var decoded = 0
    /// History: hunks scanned with lines read from the file around them (a changed key body).
    var widenedHunks = 0
    /// A few example paths per warning kind, for the log.
    var warnings: [String: [String]] = [:]

    static let maxExamples = 10

    mutating func warn(_ kind: String, _ path: String) {
        if warnings[kind, default: []].count < Self.maxExamples { warnings[kind, default: []].append(path) }
    }

    static func + (a: ScanStats, b: ScanStats) -> ScanStats {
        var s = a
        s.files += b.files
        s.bytes += b.bytes
        s.binary += b.binary
        s.tooLarge += b.tooLarge
        s.excluded += b.excluded
        s.symlinksSkipped += b.symlinksSkipped
        s.unreadable += b.unreadable
        s.vanished += b.vanished
        s.nonUTF8 += b.nonUTF8
        s.allowlistedFiles += b.allowlistedFiles
        s.regexLimit += b.regexLimit
        s.commits += b.commits
        s.decoded += b.decoded
        s.widenedHunks += b.widenedHunks
        for (k, v) in b.warnings { s.warnings[k] = Array((s.warnings[k, default: []] + v).sorted().prefix(maxExamples)) }
        return s
    }

    /// The stats block of the check result; zero counters of rare events are left out.
    var json: [String: JSONValue] {
        var out: [String: JSONValue] = ["files": .int(files), "bytes": .int(bytes)]
        let optional: [(String, Int)] = [
            ("binarySkipped", binary), ("tooLarge", tooLarge), ("excluded", excluded),
            ("symlinksSkipped", symlinksSkipped), ("unreadable", unreadable), ("vanished", vanished),
            ("nonUTF8", nonUTF8), ("allowlistedFiles", allowlistedFiles), ("regexLimit", regexLimit), ("commits", commits),
            ("decodedFindings", decoded), ("widenedHunks", widenedHunks),
        ]
        for (k, v) in optional where v > 0 { out[k] = .int(v) }
        return out
    }

    /// Warnings worth a line in the check's log (never file contents).
    var logLines: [String] {
        var lines: [String] = []
        let described: [(String, Int, String)] = [
            ("unreadable", unreadable, "files could not be read"),
            ("vanished", vanished, "files vanished during the scan"),
            ("nonUTF8", nonUTF8, "files are not valid UTF-8 (scanned as bytes)"),
            ("regexLimit", regexLimit, "regex windows hit PCRE2's match limit and were skipped"),
            ("symlinks", symlinksSkipped, "symlinks point outside the root and were not followed"),
        ]
        for (key, count, text) in described where count > 0 {
            let examples = warnings[key, default: []]
            lines.append("warning: \(count) \(text)" + (examples.isEmpty ? "" : ": " + examples.joined(separator: ", ")))
        }
        return lines
    }
}

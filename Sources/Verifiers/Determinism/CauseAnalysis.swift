import Foundation

/// A likely reason two outputs differ, with the evidence and the usual fix.
struct Cause: Sendable, Equatable {
    /// Short label: "a timestamp", "an absolute path", ...
    var label: String
    /// The evidence: what was seen where.
    var detail: String
    var help: String
    /// The values alone, for the one-line finding message ("'10:00:01' vs '10:00:02'").
    var brief: String? = nil
}

/// What the analysis looks at: the differing region of both outputs and the two runs' conditions.
struct CauseInput {
    var fileA: String
    var fileB: String
    var difference: FirstDifference
    var isText: Bool
    /// The first differing line of each side (bounded), for text.
    var lineA: [UInt8]
    var lineB: [UInt8]
    var json: JSONSupport.Difference?
    /// Both sides parse to the same JSON value: only key order or formatting differs.
    var sameJSON: Bool
    var runA: RunRecord
    var runB: RunRecord
    var reordered: Bool
    var hints = ToolchainHints(command: "", names: [])
}

/// Guesses why outputs diverged, from the bytes where they differ: archive header fields, values a
/// variation put there (a zone, a path, a host name), timestamps, process ids, memory addresses and
/// random-looking tokens. Most specific first; at most three.
enum CauseAnalysis {
    static func causes(_ input: CauseInput) -> [Cause] {
        var out: [Cause] = []
        if input.sameJSON {
            out.append(Cause(label: "JSON key order or formatting", detail: "both runs wrote the same JSON document, with keys in another order or other spacing",
                             help: "Write JSON with sorted keys and fixed separators (json.dumps(sort_keys=True), JSONEncoder .sortedKeys).",
                             brief: "the same document written differently"))
        }
        var archiveContent = false
        if let loc = ArchiveFields.locate(offset: input.difference.offset, a: input.fileA, b: input.fileB) {
            if let c = archiveCause(loc) { out.append(c) } else { archiveContent = true }
        }
        if out.isEmpty || archiveContent {
            let (midA, midB) = input.json.flatMap { j in j.rawA.flatMap { a in j.rawB.map { (a, $0) } } }
                ?? TokenText.middles(input.lineA, input.lineB)
            out += variationCauses(input, midA: midA, midB: midB)
            if let c = pathCause(input) { out.append(c) }
            if let c = TokenCauses.timestamp(midA, midB, lineA: input.lineA, lineB: input.lineB) { out.append(c) }
            if let c = TokenCauses.pid(midA, midB, pidA: Int(input.runA.pid), pidB: Int(input.runB.pid)) { out.append(c) }
            if let c = hostnameCause(input) { out.append(c) }
            let explained = out.contains { $0.label == "a timestamp" || $0.label == "a process ID" }
            if let c = TokenCauses.address(midA, midB) ?? TokenCauses.uuid(midA, midB)
                ?? (explained ? nil : TokenCauses.entropy(midA, midB)) {
                out.append(c)
            }
            if !input.isText, let c = TokenCauses.binaryEntropy(input) { out.append(c) }
            if let c = TokenCauses.reorderedTokens(input.lineA, input.lineB, runB: input.runB) { out.append(c) }
            if input.reordered {
                out.append(Cause(label: "ordering", detail: "both runs wrote the same lines, in a different order",
                                 help: "Sort before writing: iteration over hash maps, sets, directory listings or parallel results is not ordered."))
            }
        }
        if out.isEmpty { out += fallback(input) }
        var seen = Set<String>()
        return Array(out.filter { seen.insert($0.label).inserted }.prefix(3)).map { withToolchainHelp($0, input.hints) }
    }

    /// The fix in the words of the toolchain that made the output.
    private static func withToolchainHelp(_ cause: Cause, _ hints: ToolchainHints) -> Cause {
        var c = cause
        switch c.label {
        case "a timestamp", "the clock (possibly)": c.help = hints.timestamp
        case "an absolute path": c.help = hints.absolutePath
        case "ordering", "hash randomisation (possibly)": c.help = hints.hashOrder
        case "a timestamp in a tar header": c.help = hints.tarMetadata
        case "a timestamp in the gzip header", "a file name in the gzip header": c.help = hints.gzipHeader
        case "a timestamp in a zip entry": c.help = hints.zipTimes
        case "archive member order": c.help = hints.memberOrder
        default: break
        }
        return c
    }

    private static func archiveCause(_ loc: ArchiveFields.Location) -> Cause? {
        let member = loc.member.map { $0.hasPrefix("pax header") ? " of the \($0)" : " of '\($0)'" } ?? ""
        let values = loc.valueA.flatMap { a in loc.valueB.map { ": \(a) vs \($0)" } } ?? ""
        let field = loc.field
        var cause = archiveCause(loc, member: member, values: values, field: field)
        cause?.brief = "\(loc.format) \(field)\(member)" + values
        return cause
    }

    private static func archiveCause(_ loc: ArchiveFields.Location, member: String, values: String, field: String) -> Cause? {
        switch loc.format {
        case "tar" where field == "mtime" || field.hasPrefix("pax records")
            || ["'mtime'", "'atime'", "'ctime'"].contains(where: { field == "pax record \($0)" }):
            return Cause(label: "a timestamp in a tar header", detail: "tar \(field)\(member) differs\(values)",
                         help: "Archive with fixed metadata: tar --sort=name --mtime=@$SOURCE_DATE_EPOCH --owner=0 --group=0 --numeric-owner (and --pax-option=delete=atime,delete=ctime for pax).")
        case "tar" where field == "mode":
            return Cause(label: "file permissions in a tar header", detail: "tar mode\(member) differs\(values)",
                         help: "The files were created under different umasks: set modes when archiving (tar --mode=go=rX,u+rw) or chmod first.")
        case "tar" where ["uid", "gid", "uname", "gname"].contains(field):
            return Cause(label: "file ownership in a tar header", detail: "tar \(field)\(member) differs\(values)",
                         help: "Archive with --owner=0 --group=0 --numeric-owner.")
        case "tar" where field == "name" || field == "prefix":
            return Cause(label: "archive member order", detail: "tar member names differ at the same position\(values)",
                         help: "Members follow directory listing order, which varies: archive with tar --sort=name (or sort the file list).")
        case "tar" where field.hasPrefix("pax record"):
            return Cause(label: "a pax record in a tar header", detail: "tar \(field)\(member) differs\(values)",
                         help: "Drop or fix the varying pax records: tar --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime --mtime=@$SOURCE_DATE_EPOCH.")
        case "gzip" where field == "MTIME":
            return Cause(label: "a timestamp in the gzip header", detail: "gzip MTIME differs\(values)",
                         help: "Compress with 'gzip -n' (no name or time in the header), or pass mtime=0 to your gzip library.")
        case "gzip" where field.hasPrefix("FNAME"):
            return Cause(label: "a file name in the gzip header", detail: "gzip \(field) differs", help: "Compress with 'gzip -n'.")
        case "zip" where field.contains("time") || field.contains("extra"):
            return Cause(label: "a timestamp in a zip entry", detail: "zip \(field)\(member) differs",
                         help: "Set fixed entry times (touch -d @$SOURCE_DATE_EPOCH before 'zip -X'), or run strip-nondeterminism on the archive.")
        default:
            return nil  // content: let the token heuristics look at the bytes
        }
    }

    private static func variationCauses(_ input: CauseInput, midA: String, midB: String) -> [Cause] {
        var out: [Cause] = []
        let lineB = String(decoding: input.lineB, as: UTF8.self)
        for v in input.runB.plan.variations where v.applied && v.variation != Variation.path.rawValue {
            guard let marker = v.markers.first(where: { midB.contains($0) || (!$0.isEmpty && $0.count > 6 && lineB.contains($0)) })
            else { continue }
            let help: String
            switch Variation(rawValue: v.variation) {
            case .tz?: help = "Format times in UTC or an explicit zone, not the local one (TZ)."
            case .home?: help = "Keep HOME-dependent paths and settings out of outputs."
            case .hostname?: help = "Keep the host name out of outputs."
            case .execPath?: help = "Keep PATH out of outputs."
            case .jobs?: help = "Keep build parallelism settings out of outputs."
            case .path?: help = "Write paths relative to the working directory (for compilers: -ffile-prefix-map=$PWD=.)."
            case .time?: help = "The program takes its time from SOURCE_DATE_EPOCH, as it should; the time variation changed it "
                + "because libfaketime is not installed. Install 'faketime' to vary the clock itself, or pin SOURCE_DATE_EPOCH."
            default: help = "Keep this setting out of outputs."
            }
            out.append(Cause(label: "the '\(v.variation)' variation",
                             detail: "run \(input.runB.index)'s output contains '\(marker)', set by the '\(v.variation)' variation (\(v.detail))",
                             help: help, brief: "run \(input.runB.index)'s output contains '\(TokenCauses.clip(marker))' from \(TokenCauses.clip(v.detail))"))
        }
        return out
    }

    private static func pathCause(_ input: CauseInput) -> Cause? {
        var a = String(decoding: input.lineA, as: UTF8.self), b = String(decoding: input.lineB, as: UTF8.self)
        if !input.isText {
            // A path in a binary is longer than the window around the first difference: look wider.
            let at = max(0, input.difference.offset - 2048)
            a = String(decoding: ByteCompare.bytes(input.fileA, at: at, count: 4096), as: UTF8.self)
            b = String(decoding: ByteCompare.bytes(input.fileB, at: at, count: 4096), as: UTF8.self)
        }
        guard input.runA.cwd != input.runB.cwd, b.contains(input.runB.cwd) || a.contains(input.runA.cwd) else { return nil }
        return Cause(label: "an absolute path", detail: "the output embeds the working directory ('\(input.runA.cwd)' in run \(input.runA.index), '\(input.runB.cwd)' in run \(input.runB.index))",
                     help: "Write paths relative to the working directory (for compilers: -ffile-prefix-map=$PWD=.).",
                     brief: "the output embeds the working directory")
    }

    private static func hostnameCause(_ input: CauseInput) -> Cause? {
        let a = String(decoding: input.lineA, as: UTF8.self), b = String(decoding: input.lineB, as: UTF8.self)
        let hA = input.runA.plan.hostname, hB = input.runB.plan.hostname
        guard hA != hB, hA.count >= 2, a.contains(hA) || b.contains(hB) else { return nil }
        return Cause(label: "the host name", detail: "the output contains the host name ('\(hA)' vs '\(hB)')",
                     help: "Keep the host name out of outputs.")
    }

    private static func fallback(_ input: CauseInput) -> [Cause] {
        let applied = Set(input.runB.plan.variations.filter(\.applied).map(\.variation))
        if let time = input.runB.plan.variations.first(where: { $0.applied && $0.variation == Variation.time.rawValue }) {
            return [Cause(label: "the clock (possibly)", detail: "run \(input.runB.index) ran with \(time.detail) and no clearer cause was found",
                          help: "Leave the current time out of outputs, or take it from SOURCE_DATE_EPOCH.")]
        }
        if applied.contains("random") {
            return [Cause(label: "hash randomisation (possibly)", detail: "run \(input.runB.index) had another PYTHONHASHSEED/PERL_HASH_SEED and no clearer cause was found",
                          help: "Sort sets and dict keys before output; never print hash() or id() values.")]
        }
        if applied.contains("jobs") || applied.contains("cpus") {
            return [Cause(label: "parallelism (possibly)", detail: "run \(input.runB.index) ran with other parallelism and no clearer cause was found",
                          help: "Collect parallel results in a fixed order before writing them.")]
        }
        return [Cause(label: "unknown", detail: "no known pattern (timestamp, path, PID, host name, random bytes) at the first difference",
                      help: "Compare the kept artifacts (the diff command is in the evidence) and look for what the program reads besides its input.")]
    }
}

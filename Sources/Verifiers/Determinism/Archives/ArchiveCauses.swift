/// The likely cause of a difference found inside an archive, with the fix in the toolchain's words.
/// Content differences have none here: the unpacked pair goes through the same analysis as any output.
enum ArchiveCauses {
    static func cause(_ d: InnerDifference, hints: ToolchainHints) -> Cause? {
        let member = d.path.last.map { " of '\($0)'" } ?? ""
        let values = d.valueA.flatMap { a in d.valueB.map { ": \(a) vs \($0)" } } ?? ""
        let field = d.field ?? ""
        let note = d.note.map { " (\($0))" } ?? ""
        func make(_ label: String, _ help: String) -> Cause {
            Cause(label: label, detail: "\(d.format) \(field)\(member) differs\(values)\(note)", help: help,
                  brief: "\(d.format) \(field)\(member)\(values)")
        }
        switch d.kind {
        case .content:
            return nil
        case .presence:
            return Cause(label: "a member only some runs write", detail: "\(d.format) \(field) is \(d.valueA ?? "?") in one run and \(d.valueB ?? "?") in the other",
                         help: "The build packs a different set of files: look for files generated conditionally, left over from earlier builds, or named after the time.",
                         brief: "\(d.format) \(field): \(d.valueA ?? "?") vs \(d.valueB ?? "?")")
        case .order:
            return make("archive member order", hints.memberOrder)
        case .compression:
            return Cause(label: "the same content compressed differently", detail: "the \(d.format) stream holds the same bytes\(note)",
                         help: hints.compression, brief: "\(d.format): same content, other compressed bytes\(note)")
        case .header:
            switch field {
            case "MTIME": return make("a timestamp in the gzip header", hints.gzipHeader)
            case "FNAME": return make("a file name in the gzip header", hints.gzipHeader)
            case "OS", "XFL": return make("the gzip header's \(field) byte", "Another gzip implementation or level wrote it (pigz, a language's zlib binding): compress with one tool, and -n. " + hints.gzipHeader)
            default: return make("the compression settings", hints.compression)
            }
        case .field:
            if ["mtime", "atime", "ctime"].contains(field.split(separator: " ").first.map(String.init) ?? "") {
                return make(d.format == "ar" ? "a timestamp in an ar header" : "a timestamp in a tar header",
                            d.format == "ar" ? "Create static libraries with deterministic headers: ar D (binutils' default on Debian), or strip-nondeterminism." : hints.tarMetadata)
            }
            if field == "mode" || field == "Unix mode" { return make(d.format == "zip" ? "file permissions in an archive" : "file permissions in a tar header", hints.permissions) }
            if ["uid", "gid", "uname", "gname"].contains(field) || field.contains("'ux'") || field.contains("'UX'") {
                return make(d.format == "zip" ? "file ownership in an archive" : "file ownership in a tar header", hints.ownership)
            }
            if field.hasPrefix("modification time") || field.contains("'UT'") || field.contains("NTFS") {
                return make("a timestamp in a zip entry", hints.zipTimes)
            }
            if field == "compression method" { return make("the compression settings", hints.compression) }
            if field == "format" { return make("a different format", "The runs wrote different kinds of file: one of them probably failed part-way; read its stderr.") }
            return make("the archiving tool or its options", "Pack with the same tool, version and options in every build (zip -X; a fixed jar or wheel builder).")
        }
    }
}

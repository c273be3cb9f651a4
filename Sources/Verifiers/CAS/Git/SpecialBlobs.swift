import ContentHash
import GateCore

/// git fsck's last step (`fsck_finish`): the blobs that trees name `.gitmodules` or `.gitattributes` are
/// read and checked, because a hostile `.gitmodules` was the way into several git vulnerabilities.
/// `.gitmodules`: submodule names may not climb out with `..`, paths and URLs may not look like options,
/// `update` may not run a command, and URLs may not smuggle a newline (`fsck_gitmodules_fn`).
/// `.gitattributes`: at most 100 MB, lines under 2048 bytes (`fsck_blob`).
enum SpecialBlobs {
    static let bigFileThreshold = 512 << 20
    static let attributesMax = 100 << 20
    static let attributesLineMax = 2048

    static func check(gitmodules: Set<[UInt8]>, gitattributes: Set<[UInt8]>, reader: ObjectReader, levels: FsckLevels,
                      skip: ObjectIDs?, promised: ([UInt8]) -> Bool, location: ([UInt8]) -> String) -> [Finding] {
        var findings: [Finding] = []
        func report(_ id: [UInt8], _ type: GitType, _ msg: FsckID, _ text: String) {
            if let skip, skip.find(id) != nil { return }
            guard let severity = levels.severity(msg) else { return }
            findings.append(GitFindings.badObject(FsckMessage(id: msg, text: text), id: Hex.encode(id), type: type,
                                                  path: location(id), severity: severity))
        }
        for id in gitmodules.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let (type, data) = reader.read(id, limit: bigFileThreshold) else {
                if !promised(id) { report(id, .blob, .gitmodulesMissing, "unable to read .gitmodules blob") }
                continue
            }
            guard type == .blob else {
                report(id, type, .gitmodulesBlob, "non-blob found at .gitmodules")
                continue
            }
            let entries: [GitConfigFile.Entry]
            do {
                entries = try GitConfigFile(text: Array(data.bytes)).entries
            } catch {
                report(id, .blob, .gitmodulesParse, "could not parse gitmodules blob")
                entries = error.entries
            }
            for e in entries where e.section == "submodule" {
                guard let name = e.subsection else { continue }
                if !validSubmoduleName(name) { report(id, .blob, .gitmodulesName, "disallowed submodule name: \(name)") }
                guard let value = e.value else { continue }
                switch e.key {
                case "url" where !validSubmoduleURL(value):
                    report(id, .blob, .gitmodulesUrl, "disallowed submodule url: \(value)")
                case "path" where value.hasPrefix("-"):
                    report(id, .blob, .gitmodulesPath, "disallowed submodule path: \(value)")
                case "update" where value.hasPrefix("!"):
                    report(id, .blob, .gitmodulesUpdate, "disallowed submodule update setting: \(value)")
                default: break
                }
            }
        }
        for id in gitattributes.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let (type, data) = reader.read(id, limit: attributesMax) else {
                if !promised(id) {
                    report(id, .blob, reader.exists(id) ? .gitattributesLarge : .gitattributesMissing,
                           reader.exists(id) ? ".gitattributes too large to parse" : "unable to read .gitattributes blob")
                }
                continue
            }
            guard type == .blob else {
                report(id, type, .gitattributesBlob, "non-blob found at .gitattributes")
                continue
            }
            var lineStart = 0
            let b = data.bytes
            for i in 0...b.count {
                let c: UInt8 = i < b.count ? b[i] : 0
                if c == 0x0a || c == 0 {
                    if i - lineStart >= attributesLineMax {
                        report(id, .blob, .gitattributesLineLength, ".gitattributes has too long lines to parse")
                        break
                    }
                    if c == 0 { break }
                    lineStart = i + 1
                }
            }
        }
        return findings
    }

    /// `check_submodule_name`: not empty, and no `..` path component (either slash counts).
    static func validSubmoduleName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        let parts = name.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" })
        return !parts.contains("..")
    }

    /// `check_submodule_url`: not option-like; relative and git:// URLs may not decode to a newline or
    /// climb past their root into a scheme or host; curl URLs (http, https, ftp, ftps, and the `http::`
    /// forms) may not decode to a newline and must have a host.
    static func validSubmoduleURL(_ url: String) -> Bool {
        if url.hasPrefix("-") { return false }
        let relative = url.hasPrefix("./") || url.hasPrefix(".\\") || url.hasPrefix("../") || url.hasPrefix("..\\")
        if relative || url.hasPrefix("git://") {
            if percentDecoded(url).contains(0x0a) { return false }
            var rest = Substring(url)
            var dotdots = 0
            while true {
                if rest.hasPrefix("../") || rest.hasPrefix("..\\") { dotdots += 1; rest = rest.dropFirst(3); continue }
                if rest.hasPrefix("./") || rest.hasPrefix(".\\") { rest = rest.dropFirst(2); continue }
                break
            }
            if dotdots > 0 && (rest.hasPrefix(":") || rest.hasPrefix("/")) { return false }
            return true
        }
        var curl: Substring?
        for p in ["http::", "https::", "ftp::", "ftps::"] where url.hasPrefix(p) { curl = url.dropFirst(p.count) }
        if curl == nil, ["http://", "https://", "ftp://", "ftps://"].contains(where: { url.hasPrefix($0) }) { curl = Substring(url) }
        guard let c = curl else { return true }
        guard let scheme = c.range(of: "://") else { return false }
        let host = c[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostOnly = host.split(separator: "@").last ?? ""
        if hostOnly.isEmpty || hostOnly.hasPrefix(":") { return false }
        return !percentDecoded(String(c)).contains(0x0a)
    }

    static func percentDecoded(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x25, i + 2 < b.count, let h = GitHex.nibble(b[i + 1]), let l = GitHex.nibble(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out
    }
}

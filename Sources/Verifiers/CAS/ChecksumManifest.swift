import ContentHash
import GateCore

/// A checksum file as `xxhsum`, `sha256sum`, `b3sum` and friends write it: `<hex>  <path>` (or
/// `<hex> *<path>`), or the BSD form `ALG (path) = hex`. The algorithm comes from the BSD tag, from
/// `algorithm`, or from the digest length.
struct ChecksumManifest {
    struct Entry: Sendable {
        var path: String
        var digest: String
        var algorithm: HashAlgorithm
        var line: Int
    }

    var entries: [Entry] = []
    var findings: [Finding] = []

    static let tags: [String: HashAlgorithm] = [
        "XXH3": .xxh3_64, "XXH3_64": .xxh3_64, "XXH128": .xxh3_128, "SHA1": .sha1, "SHA256": .sha256,
        "SHA384": .sha384, "SHA512": .sha512, "SHA2-256": .sha256, "SHA2-512": .sha512,
    ]

    static func byLength(_ hexLength: Int) -> HashAlgorithm? {
        switch hexLength {
        case 16: .xxh3_64
        case 32: .xxh3_128
        case 40: .sha1
        case 64: .sha256
        case 96: .sha384
        case 128: .sha512
        default: nil
        }
    }

    /// `display` names the manifest in findings.
    static func parse(_ text: String, display: String, algorithm: HashAlgorithm?) -> ChecksumManifest {
        var out = ChecksumManifest()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            switch parseLine(line, algorithm: algorithm) {
            case .success(var e):
                e.line = i + 1
                out.entries.append(e)
            case .failure(let p):
                out.findings.append(CASFindings.badManifest(path: display, line: i + 1, problem: p.message))
            }
        }
        return out
    }

    struct Problem: Error { let message: String }

    static func parseLine(_ line: Substring, algorithm: HashAlgorithm?) -> Result<Entry, Problem> {
        // BSD: ALG (path) = hex
        if let open = line.firstIndex(of: " "), line[line.index(after: open)...].hasPrefix("("),
            let close = line.range(of: ") = ", options: .backwards) {
            let tag = String(line[..<open]).uppercased()
            let path = String(line[line.index(open, offsetBy: 2)..<close.lowerBound])
            let hex = String(line[close.upperBound...]).lowercased()
            guard let a = tags[tag] else {
                return .failure(Problem(message: "unsupported algorithm '\(tag)'"
                                        + (tag.hasPrefix("BLAKE") ? " (no BLAKE3 library is available)" : "")))
            }
            return entry(path: path, hex: hex, algorithm: a)
        }
        // GNU: hex, two spaces (or space and '*'), path; a leading backslash marks an escaped name.
        var l = line
        var escaped = false
        if l.hasPrefix("\\") { escaped = true; l = l.dropFirst() }
        guard let space = l.firstIndex(of: " ") else {
            return .failure(Problem(message: "expected '<hex>  <path>' or 'ALG (path) = <hex>'"))
        }
        let hex = String(l[..<space]).lowercased()
        var rest = l[l.index(after: space)...]
        guard rest.hasPrefix(" ") || rest.hasPrefix("*") else {
            return .failure(Problem(message: "expected two spaces (or ' *') between the digest and the path"))
        }
        rest = rest.dropFirst()
        var path = String(rest)
        if escaped { path = path.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\\", with: "\\") }
        guard let a = algorithm ?? byLength(hex.count) else {
            return .failure(Problem(message: "a \(hex.count)-character digest matches no supported algorithm; set 'algorithm'"))
        }
        return entry(path: path, hex: hex, algorithm: a)
    }

    private static func entry(path: String, hex: String, algorithm: HashAlgorithm) -> Result<Entry, Problem> {
        guard StoreNames.isHex(hex, count: algorithm.hexLength) else {
            return .failure(Problem(message: "'\(hex.prefix(20))…' is not a \(algorithm.hexLength)-hex \(algorithm.rawValue) digest"))
        }
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        guard !p.isEmpty, !p.hasPrefix("/"), !p.split(separator: "/").contains("..") else {
            return .failure(Problem(message: "path '\(path)' must be relative and stay inside the root"))
        }
        return .success(Entry(path: PathUtil.normalize(p), digest: hex, algorithm: algorithm, line: 0))
    }
}

/// The `checksums` layout: every listed file must match; unlisted files are orphans. The manifest is read
/// into a `ChecksumIndex`, so a million lines cost about what the native store's bookkeeping does.
enum ChecksumsStore {
    static func verify(_ config: CASConfig, _ context: CheckContext) async throws -> LayoutOutcome {
        guard let manifestPath = config.manifest else { throw VerifierError("'manifest' is required for 'layout: checksums'") }
        let display = context.relative(manifestPath)
        let index = try ChecksumIndex(path: manifestPath, display: display, algorithm: config.algorithm)
        var outcome = LayoutOutcome(layout: .checksums, algorithm: index.algorithms.joined(separator: ","))
        outcome.findings.merge(index.problems)
        let plan = config.plan(context: context, walkRoot: context.root, digestLength: 64, classify: { dir, name in
            let path = StoreNames.join(dir, name)
            if let e = index.lookup(path) { return .object(expected: e.digest, method: .content(e.algorithm)) }
            return StoreNames.isTemporary(name) ? .partialWrite : .unlisted
        })
        outcome.scan = try await ObjectScan.run(plan, context: context, digestLength: 64)
        // Entries the walk did not meet: missing, unless excluded or there after all (a directory, a file
        // under the state directory).
        var findings = outcome.findings
        index.forEachUnmet { e in
            if !config.excluded(e.path) && FileStat.of(context.root + "/" + e.path) == nil {
                findings.append(CASFindings.missing(path: e.path, digest: e.digest, referencedBy: "\(display):\(e.line)"))
            }
        }
        outcome.findings = findings
        outcome.notes.append("\(index.count) manifest entries")
        return outcome
    }
}

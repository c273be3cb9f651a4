import Crypto
import Foundation

/// Atlas's migration directory integrity file, `atlas.sum`.
///
/// One SHA-256 runs over the files in name order: for each file it takes the file's name, then (unless
/// the file's first line carries an `atlas:sum ignore` directive) its bytes, and the file's line holds
/// the base64 of the digest so far. The header `h1:` is the base64 SHA-256 over every line's name and
/// hash text. Rendering: `h1:<total>\n` then `<name> h1:<hash>\n` for each file.
struct AtlasSum: Equatable, Sendable {
    struct Line: Equatable, Sendable {
        var name: String
        /// Base64, without the `h1:` prefix.
        var hash: String
    }

    var lines: [Line]

    /// The header value, computed from the lines.
    var total: String {
        var h = SHA256()
        for l in lines {
            h.update(data: Array(l.name.utf8))
            h.update(data: Array(l.hash.utf8))
        }
        return Data(h.finalize()).base64EncodedString()
    }

    /// The file text Atlas writes.
    var rendered: String {
        "h1:\(total)\n" + lines.map { "\($0.name) h1:\($0.hash)\n" }.joined()
    }

    /// The sum of `files` (name and bytes, already in name order).
    static func compute(_ files: [(name: String, bytes: [UInt8])]) -> AtlasSum {
        // SHA256 is a value type: finalizing a copy gives the running digest, as Go's Sum(nil) does.
        var h = SHA256()
        var lines: [Line] = []
        for f in files {
            h.update(data: Array(f.name.utf8))
            if Self.ignored(f.bytes) { continue }
            h.update(data: f.bytes)
            lines.append(Line(name: f.name, hash: Data(h.finalize()).base64EncodedString()))
        }
        return AtlasSum(lines: lines)
    }

    /// Atlas's `atlas:sum ignore` directive: at the start of the file, printable ASCII, then
    /// `atlas:sum`, spaces, and exactly `ignore` up to the end of the first line.
    static func ignored(_ bytes: [UInt8]) -> Bool {
        let line = Array(bytes.prefix { $0 != 0x0A })
        let marker = Array("atlas:".utf8)
        var best: Int?
        var k = 0
        while k + marker.count <= line.count {
            if line[k] < 0x20 || line[k] > 0x7E { break }
            if Array(line[k..<(k + marker.count)]) == marker { best = k }
            k += 1
        }
        guard let at = best else { return false }
        var j = at + marker.count
        let nameStart = j
        while j < line.count, line[j] == 95 || (line[j] >= 48 && line[j] <= 57) || (line[j] | 0x20 >= 97 && line[j] | 0x20 <= 122) {
            j += 1
        }
        guard String(decoding: line[nameStart..<j], as: UTF8.self) == "sum", j < line.count, line[j] == 0x20 else { return false }
        while j < line.count, line[j] == 0x20 { j += 1 }
        return String(decoding: line[j...], as: UTF8.self) == "ignore"
    }

    enum ParseError: Error, Equatable {
        case missingHeader
        /// A line without ` h1:` (1-based line number).
        case malformed(line: Int)
    }

    /// Parses the file. The stored header is returned separately: comparing it with `total` tells whether
    /// the file itself was edited.
    static func parse(_ text: String) -> Result<(header: String, sum: AtlasSum), ParseError> {
        // Lines as Go's bufio.ScanLines reads them (dir.go HashFile.UnmarshalText): split at LF, one CR
        // before it dropped. Split the bytes: in a Swift String, CR LF is a single Character, so splitting
        // the text at "\n" would leave a CRLF file as one line.
        var rows = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> Substring in
            Substring(line.last == 0x0D ? line.dropLast() : line)
        }
        if rows.last == "" { rows.removeLast() }
        guard let first = rows.first, first.hasPrefix("h1:") else { return .failure(.missingHeader) }
        var lines: [Line] = []
        for (i, row) in rows.dropFirst().enumerated() {
            guard let r = row.range(of: "h1:") else { return .failure(.malformed(line: i + 2)) }
            lines.append(Line(name: row[..<r.lowerBound].trimmingCharacters(in: .whitespaces), hash: String(row[r.upperBound...])))
        }
        return .success((String(first.dropFirst(3)), AtlasSum(lines: lines)))
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Commits and tags as git reads them: first what `parse_commit_buffer` / `parse_tag_buffer` (commit.c,
/// tag.c) need to parse at all, which yields the references; then, for objects that parse, the
/// `--strict` checks of `fsck_commit` / `fsck_tag_standalone` (fsck.c), message for message.
enum CommitTagParser {
    /// Bounds-checked byte access: 0 past the end, like the NUL after git's object buffers.
    struct Bytes {
        let b: UnsafeRawBufferPointer
        @inline(__always) subscript(_ i: Int) -> UInt8 { i >= 0 && i < b.count ? b[i] : 0 }
        var count: Int { b.count }

        func starts(_ at: Int, _ prefix: StaticString) -> Bool {
            let n = prefix.utf8CodeUnitCount
            guard at >= 0, at + n <= b.count else { return false }
            return memcmp(b.baseAddress! + at, prefix.utf8Start, n) == 0
        }

        func find(_ c: UInt8, from: Int) -> Int? {
            guard from < b.count else { return nil }
            let p = memchr(b.baseAddress! + from, Int32(c), b.count - from)
            return p.map { b.baseAddress!.distance(to: UnsafeRawPointer($0)) }
        }

        func slice(_ from: Int, _ count: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: b[max(0, min(from, b.count))..<max(0, min(from + count, b.count))])
        }

        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: slice(from, max(0, to - from)), as: UTF8.self)
        }
    }

    static func commit(_ data: UnsafeRawBufferPointer, sink: ObjectSink) {
        let b = Bytes(b: data)
        let hexsz = 2 * sink.width
        let n = b.count
        guard n > hexsz + 6, b.starts(0, "tree "), b[hexsz + 5] == 0x0a else {
            sink.fail(.missingTree, "bogus commit object: it does not start with a 'tree <id>' line (git cannot parse it)")
            return
        }
        guard sink.edgeHex(b.slice(5, hexsz), .tree) else {
            sink.fail(.badTreeSha1, "bad tree pointer: the 'tree' line is not a \(hexsz)-digit id (git cannot parse it)")
            return
        }
        var p = hexsz + 6
        while p + hexsz + 7 < n && b.starts(p, "parent ") {
            guard n > p + hexsz + 8, b[p + hexsz + 7] == 0x0a, sink.edgeHex(b.slice(p + 7, hexsz), .commit) else {
                sink.fail(.badParentSha1, "bad parents: a 'parent' line is not a \(hexsz)-digit id (git cannot parse it)")
                return
            }
            p += hexsz + 8
        }
        strictCommit(b, sink: sink)
    }

    /// `fsck_commit`: the header checks, the identities, and a NUL anywhere in the object.
    private static func strictCommit(_ b: Bytes, sink: ObjectSink) {
        if verifyHeaders(b, sink: sink) { return }
        let hexsz = 2 * sink.width
        var p = 5 + hexsz + 1
        while p < b.count && b.starts(p, "parent ") {
            let start = p + 7
            if GitHex.decode(b.slice(start, hexsz), width: sink.width) == nil || b[start + hexsz] != 0x0a {
                if sink.report(.badParentSha1, "invalid 'parent' line format - bad sha1") { return }
            }
            p = start + hexsz + 1
        }
        var authors = 0
        while p < b.count && b.starts(p, "author ") {
            authors += 1
            p += 7
            if ident(b, &p, sink: sink) { return }
        }
        if authors < 1 {
            if sink.report(.missingAuthor, "invalid format - expected 'author' line") { return }
        } else if authors > 1 {
            if sink.report(.multipleAuthors, "invalid format - multiple 'author' lines") { return }
        }
        guard p < b.count && b.starts(p, "committer ") else {
            sink.report(.missingCommitter, "invalid format - expected 'committer' line")
            return
        }
        p += 10
        if ident(b, &p, sink: sink) { return }
        if memchr(b.b.baseAddress!, 0, b.count) != nil {
            sink.report(.nulInCommit, "NUL byte in the commit object body")
        }
    }

    static func tag(_ data: UnsafeRawBufferPointer, sink: ObjectSink) {
        let b = Bytes(b: data)
        let hexsz = 2 * sink.width
        let failure = "git cannot parse the tag"
        guard b.count >= hexsz + 24, b.starts(0, "object "), GitHex.decode(b.slice(7, hexsz), width: sink.width) != nil,
              b[7 + hexsz] == 0x0a else {
            sink.fail(.missingObject, "the tag does not start with an 'object <id>' line (\(failure))")
            return
        }
        var p = 8 + hexsz
        guard b.starts(p, "type "), let nl = b.find(0x0a, from: p + 5), nl - (p + 5) < 20 else {
            sink.fail(.missingTypeEntry, "the tag has no 'type' line after 'object' (\(failure))")
            return
        }
        let typeName = b.text(p + 5, nl)
        guard let type = GitType(name: typeName) else {
            sink.fail(.badType, "unknown tag type '\(typeName)' (\(failure))")
            return
        }
        p = nl + 1
        guard p + 4 < b.count, b.starts(p, "tag "), b.find(0x0a, from: p + 4) != nil else {
            sink.fail(.missingTagEntry, "the tag has no 'tag' line after 'type' (\(failure))")
            return
        }
        sink.edgeHex(b.slice(7, hexsz), type)
        strictTag(b, sink: sink)
    }

    /// `fsck_tag_standalone`.
    private static func strictTag(_ b: Bytes, sink: ObjectSink) {
        if verifyHeaders(b, sink: sink) { return }
        let hexsz = 2 * sink.width
        var p = 8 + hexsz
        // The object and type lines parsed above; their checks cannot fail here.
        guard let typeEnd = b.find(0x0a, from: p) else { return }
        p = typeEnd + 1
        guard p < b.count && b.starts(p, "tag ") else {
            sink.report(.missingTagEntry, "invalid format - expected 'tag' line")
            return
        }
        guard let eol = b.find(0x0a, from: p + 4) else {
            sink.report(.missingTag, "invalid format - unexpected end after 'type' line")
            return
        }
        let name = Array(b.slice(p + 4, eol - p - 4))
        if !GitNames.isValidRefName(Array("refs/tags/".utf8) + name) {
            if sink.report(.badTagName, "invalid 'tag' name: \(String(decoding: name, as: UTF8.self))") { return }
        }
        p = eol + 1
        if !(p < b.count && b.starts(p, "tagger ")) {
            if sink.report(.missingTaggerEntry, "invalid format - expected 'tagger' line") { return }
        } else {
            p += 7
            _ = ident(b, &p, sink: sink)
        }
        if p < b.count && (b.starts(p, "gpgsig ") || b.starts(p, "gpgsig-sha256 ")) {
            guard let eol = b.find(0x0a, from: p) else {
                sink.report(.badGpgsig, "invalid format - unexpected end after 'gpgsig' or 'gpgsig-sha256' line")
                return
            }
            p = eol + 1
            while p < b.count && b[p] == 0x20 {
                guard let e = b.find(0x0a, from: p) else {
                    sink.report(.badHeaderContinuation, "invalid format - unexpected end in 'gpgsig' continuation line")
                    return
                }
                p = e + 1
            }
        }
        if p < b.count && b[p] != 0x0a {
            sink.report(.extraHeaderEntry, "invalid format - extra header(s) after 'tagger'")
        }
    }

    /// `verify_headers`: no NUL before the blank line that ends the headers, and a newline after the last
    /// header. True when it reported (git stops checking the object then).
    static func verifyHeaders(_ b: Bytes, sink: ObjectSink) -> Bool {
        let n = b.count
        for i in 0..<n {
            let c = b[i]
            if c == 0 { return sink.report(.nulInHeader, "unterminated header: NUL at offset \(i)") || true }
            if c == 0x0a && i + 1 < n && b[i + 1] == 0x0a { return false }
        }
        if n > 0 && b[n - 1] == 0x0a { return false }
        sink.report(.unterminatedHeader, "unterminated header")
        return true
    }

    /// `fsck_ident` on an author, committer or tagger line starting at `p`; moves `p` to the next line.
    /// True when it reported an error.
    static func ident(_ b: Bytes, _ p: inout Int, sink: ObjectSink) -> Bool {
        guard let nl = b.find(0x0a, from: p) else {
            p = b.count
            return sink.report(.unterminatedHeader, "unterminated header")
        }
        var q = p
        p = nl + 1
        let end = b.count
        let prefix = "invalid author/committer line - "
        if b[q] == 0x3c { return sink.report(.missingNameBeforeEmail, prefix + "missing space before email") }
        while true {
            if q >= end || b[q] == 0x0a { return sink.report(.missingEmail, prefix + "missing email") }
            if b[q] == 0x3e { return sink.report(.badName, prefix + "bad name") }
            if b[q] == 0x3c { break }
            q += 1
        }
        if b[q - 1] != 0x20 { return sink.report(.missingSpaceBeforeEmail, prefix + "missing space before email") }
        q += 1
        while true {
            if q >= end || b[q] == 0x3c || b[q] == 0x0a { return sink.report(.badEmail, prefix + "bad email") }
            if b[q] == 0x3e { break }
            q += 1
        }
        q += 1
        if b[q] != 0x20 { return sink.report(.missingSpaceBeforeDate, prefix + "missing space before date") }
        q += 1
        while b[q] == 0x20 || b[q] == 0x09 { q += 1 }
        if !isDigit(b[q]) { return sink.report(.badDate, prefix + "bad date") }
        if b[q] == 0x30 && b[q + 1] != 0x20 { return sink.report(.zeroPaddedDate, prefix + "zero-padded date") }
        var digits = 0
        var value: UInt64 = 0
        var saturated = false
        while q < end && isDigit(b[q]) {
            digits += 1
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(b[q] - 0x30))
            if o1 || o2 { saturated = true }
            value = s
            q += 1
        }
        // git parses into 24 bytes (23 digits) then strtoumax, and `date_overflows` rejects what time_t cannot hold.
        if digits >= 24 || saturated || value >= 1 << 63 {
            return sink.report(.badDateOverflow, prefix + "date causes integer overflow")
        }
        if b[q] != 0x20 { return sink.report(.badDate, prefix + "bad date") }
        q += 1
        if (b[q] != 0x2b && b[q] != 0x2d) || !isDigit(b[q + 1]) || !isDigit(b[q + 2]) || !isDigit(b[q + 3])
            || !isDigit(b[q + 4]) || b[q + 5] != 0x0a {
            return sink.report(.badTimezone, prefix + "bad time zone")
        }
        return false
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}

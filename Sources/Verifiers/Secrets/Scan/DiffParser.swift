import GateCore

/// Turns `git log -p -U<n>` / `git diff -U<n>` output into hunks: each hunk's lines of the new file (the
/// added ones and the context around them) with their line numbers, and which of them the commit added.
/// Hunk headers carry line counts, which tell content lines (`+++ x` inside a hunk) from file headers
/// (`+++ b/x` between hunks) without guessing.
struct DiffParser {
    /// One hunk of one file: the new file's lines `lines` (1-based numbers), `added[i]` when the commit
    /// added line i (the others are context), joined by line feeds in `bytes`.
    struct Hunk {
        var path: String
        var commit: String?
        var bytes: [UInt8]
        var lines: [Int]
        var added: [Bool]
    }

    let include: [Glob]
    let exclude: [Glob]
    private(set) var commits = 0
    /// Files with added lines (one per file and commit).
    private(set) var files = 0
    private(set) var excluded = 0
    private(set) var binary = 0

    private var pending: [UInt8] = []
    private var commit: String?
    private var path: String?
    private var current: Hunk?
    private var fileCounted = false
    private var newLine = 0
    private var newLeft = 0
    private var oldLeft = 0

    init(include: [Glob], exclude: [Glob]) {
        self.include = include
        self.exclude = exclude
    }

    /// Feeds raw output; calls `emit` for each hunk with added lines, once it is complete.
    mutating func feed(_ chunk: [UInt8], emit: (Hunk) -> Void) {
        pending += chunk
        var start = 0
        while let nl = pending[start...].firstIndex(of: 10) {
            line(pending[start..<nl], emit: emit)
            start = nl + 1
        }
        pending.removeFirst(start)
    }

    mutating func finish(emit: (Hunk) -> Void) {
        if !pending.isEmpty { line(pending[...], emit: emit) }
        pending = []
        flush(emit)
    }

    private mutating func line(_ l: ArraySlice<UInt8>, emit: (Hunk) -> Void) {
        if newLeft > 0 || oldLeft > 0 {
            switch l.first {
            case UInt8(ascii: "+") where newLeft > 0:
                append(l.dropFirst(), added: true)
                return
            case UInt8(ascii: " ") where newLeft > 0 && oldLeft > 0:
                oldLeft -= 1
                append(l.dropFirst(), added: false)
                return
            case UInt8(ascii: "-") where oldLeft > 0:
                oldLeft -= 1
                return
            case UInt8(ascii: "\\"):
                return
            default:
                newLeft = 0
                oldLeft = 0
            }
        }
        if l.starts(with: [1] + Array("commit ".utf8)) {
            flush(emit)
            path = nil
            commit = String(decoding: l.dropFirst(8), as: UTF8.self)
            commits += 1
        } else if l.starts(with: Array("diff --git ".utf8)) {
            flush(emit)
            path = nil
        } else if l.starts(with: Array("+++ ".utf8)) {
            flush(emit)
            path = nil
            fileCounted = false
            var p = String(decoding: l.dropFirst(4), as: UTF8.self)
            if p == "/dev/null" { return }
            if p.hasPrefix("\"") { p = Self.unquote(p) }
            if p.hasPrefix("b/") { p.removeFirst(2) }
            if Glob.any(exclude, p) || (!include.isEmpty && !Glob.any(include, p)) {
                excluded += 1
                return
            }
            path = p
        } else if l.starts(with: Array("@@ ".utf8)) {
            flush(emit)
            let text = String(decoding: l, as: UTF8.self)
            let parts = text.split(separator: " ")
            guard parts.count >= 3 else { return }
            (_, oldLeft) = Self.range(parts[1].dropFirst())
            (newLine, newLeft) = Self.range(parts[2].dropFirst())
            if let path { current = Hunk(path: path, commit: commit, bytes: [], lines: [], added: []) }
        } else if l.starts(with: Array("Binary files ".utf8)) {
            binary += 1
        }
    }

    private mutating func append(_ content: ArraySlice<UInt8>, added: Bool) {
        if current != nil {
            if !current!.lines.isEmpty { current!.bytes.append(10) }
            current!.bytes += content
            current!.lines.append(newLine)
            current!.added.append(added)
        }
        newLine += 1
        newLeft -= 1
    }

    private mutating func flush(_ emit: (Hunk) -> Void) {
        guard let h = current else { return }
        current = nil
        guard h.added.contains(true) else { return }
        if h.bytes.contains(0) { binary += 1; return }
        if !fileCounted {
            fileCounted = true
            files += 1
        }
        emit(h)
    }

    /// `12,3` → (12, 3); `12` → (12, 1).
    static func range(_ s: Substring) -> (Int, Int) {
        let p = s.split(separator: ",")
        return (Int(p.first ?? "") ?? 0, p.count > 1 ? Int(p[1]) ?? 0 : 1)
    }

    /// Undoes git's C-style quoting of unusual paths ("b/na\tme").
    static func unquote(_ s: String) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8.dropFirst().dropLast())[...]
        while let b = it.popFirst() {
            guard b == UInt8(ascii: "\\"), let n = it.popFirst() else { bytes.append(b); continue }
            switch n {
            case UInt8(ascii: "n"): bytes.append(10)
            case UInt8(ascii: "t"): bytes.append(9)
            case UInt8(ascii: "0")...UInt8(ascii: "3"):
                let digits = [n] + [it.popFirst() ?? 48, it.popFirst() ?? 48]
                bytes.append(UInt8(String(decoding: digits, as: UTF8.self), radix: 8) ?? 63)
            default: bytes.append(n)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

import GateCore

/// Turns `git log -p -U0` / `git diff -U0` output into the added lines of each file, with their line
/// numbers. Hunk headers carry line counts, which tell content lines (`+++ x` inside a hunk) from file
/// headers (`+++ b/x` between hunks) without guessing.
struct DiffParser {
    struct FileAdditions {
        var path: String
        var commit: String?
        var bytes: [UInt8]
        var lines: [Int]
    }

    let include: [Glob]
    let exclude: [Glob]
    private(set) var commits = 0
    private(set) var files = 0
    private(set) var excluded = 0
    private(set) var binary = 0

    private var pending: [UInt8] = []
    private var commit: String?
    private var current: FileAdditions?
    private var newLine = 0
    private var newLeft = 0
    private var oldLeft = 0

    init(include: [Glob], exclude: [Glob]) {
        self.include = include
        self.exclude = exclude
    }

    /// Feeds raw output; calls `emit` for each file whose additions are complete.
    mutating func feed(_ chunk: [UInt8], emit: (FileAdditions) -> Void) {
        pending += chunk
        var start = 0
        while let nl = pending[start...].firstIndex(of: 10) {
            line(pending[start..<nl], emit: emit)
            start = nl + 1
        }
        pending.removeFirst(start)
    }

    mutating func finish(emit: (FileAdditions) -> Void) {
        if !pending.isEmpty { line(pending[...], emit: emit) }
        pending = []
        flush(emit)
    }

    private mutating func line(_ l: ArraySlice<UInt8>, emit: (FileAdditions) -> Void) {
        if newLeft > 0 || oldLeft > 0 {
            if l.first == UInt8(ascii: "+"), newLeft > 0 {
                if current != nil {
                    if !current!.bytes.isEmpty { current!.bytes.append(10) }
                    current!.bytes += l.dropFirst()
                    current!.lines.append(newLine)
                }
                newLine += 1
                newLeft -= 1
                return
            }
            if l.first == UInt8(ascii: "-"), oldLeft > 0 { oldLeft -= 1; return }
            if l.first == UInt8(ascii: "\\") { return }
            newLeft = 0
            oldLeft = 0
        }
        if l.starts(with: [1] + Array("commit ".utf8)) {
            flush(emit)
            commit = String(decoding: l.dropFirst(8), as: UTF8.self)
            commits += 1
        } else if l.starts(with: Array("diff --git ".utf8)) {
            flush(emit)
        } else if l.starts(with: Array("+++ ".utf8)) {
            flush(emit)
            var path = String(decoding: l.dropFirst(4), as: UTF8.self)
            if path == "/dev/null" { return }
            if path.hasPrefix("\"") { path = Self.unquote(path) }
            if path.hasPrefix("b/") { path.removeFirst(2) }
            if Glob.any(exclude, path) || (!include.isEmpty && !Glob.any(include, path)) {
                excluded += 1
                return
            }
            current = FileAdditions(path: path, commit: commit, bytes: [], lines: [])
        } else if l.starts(with: Array("@@ ".utf8)) {
            let text = String(decoding: l, as: UTF8.self)
            let parts = text.split(separator: " ")
            guard parts.count >= 3 else { return }
            (_, oldLeft) = Self.range(parts[1].dropFirst())
            (newLine, newLeft) = Self.range(parts[2].dropFirst())
        } else if l.starts(with: Array("Binary files ".utf8)) {
            binary += 1
        }
    }

    private mutating func flush(_ emit: (FileAdditions) -> Void) {
        guard let f = current else { return }
        current = nil
        guard !f.bytes.isEmpty else { return }
        if f.bytes.contains(0) { binary += 1; return }
        files += 1
        emit(f)
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

import Foundation
import GateCore

/// The GATE_FINDINGS channel: a file the program appends JSON Lines findings to.
///
/// Each line is an object with `rule` and `message` (required), and `severity` (`error`, `warning`,
/// `note`; default `error`), `path`, `line`, `column` and `fingerprint` (optional; a stable identity for
/// waivers and baselines). A rule without a `/` is prefixed with `command/`. Invalid lines become
/// `command/invalid-finding` warnings naming the line number. The file is read as a stream: each string is
/// cut to `FindingLimits.fieldBytes` while it is read (the finding's marker says how much the plugin
/// sent), and the findings kept are a `FindingCollector`'s (the first of each rule and of the check).
enum FindingsFile {
    static let maxLines = 100_000
    /// The most one line may hold once its strings are cut to `FindingLimits.fieldBytes` (keys, numbers,
    /// nested values): far more than any finding needs.
    static let lineLimit = 1 << 20

    /// A fresh path for one check's findings, in a private directory (mode 0700) that this gate process
    /// makes on first use in the temporary directory and removes when it exits. The file itself is not
    /// created: a program that writes findings creates it (`>>` does), and most programs write none, so a
    /// check costs one failed open instead of a create and an unlink.
    static func create(environment: [String: String]) throws -> String {
        let tmp = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let (dir, n) = try Directories.shared.next(in: tmp)
        return "\(dir)/findings-\(n).jsonl"
    }

    /// Removes what a check's program left at `path` (normally nothing, or the findings file).
    static func discard(_ path: String) {
        if unlink(path) != 0 && errno != ENOENT { try? FileManager.default.removeItem(atPath: path) }
    }

    /// The per-process directories, by temporary directory (checks may set their own TMPDIR).
    final class Directories: Sendable {
        static let shared = Directories()
        private let state = Locked<(dirs: [String: String], counter: Int)>(([:], 0))

        func next(in tmp: String) throws -> (String, Int) {
            try state.withLock { s in
                s.counter += 1
                if let d = s.dirs[tmp] { return (d, s.counter) }
                var template = Array("\(tmp)/gate-findings-XXXXXX".utf8CString)
                let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
                guard made != nil else {
                    throw VerifierError("cannot create the GATE_FINDINGS directory in '\(tmp)': \(String(cString: strerror(errno))); "
                        + "set TMPDIR to a writable directory")
                }
                let d = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                if s.dirs.isEmpty { atexit { FindingsFile.Directories.shared.removeAll() } }
                s.dirs[tmp] = d
                return (d, s.counter)
            }
        }

        func removeAll() {
            // Normally empty by now (each check discards its file): rmdir, and FileManager only otherwise.
            for d in state.withLock({ Array($0.dirs.values) }) where rmdir(d) != 0 {
                try? FileManager.default.removeItem(atPath: d)
            }
        }
    }

    /// What reading the file found: the findings (with the limits of a fresh collector: for tests and
    /// the fuzz target) and the number of lines read.
    static func read(_ path: String, root: String, limit: Int = BoundedFile.limit) -> (findings: [Finding], lines: Int) {
        var collector = FindingCollector()
        let lines = read(path, root: root, limit: limit, into: &collector).lines
        return (collector.finish().findings, lines)
    }

    /// Reads the file in 64 KiB pieces, one line at a time through a `JSONLineReducer`, so that gate never
    /// holds more of it than one reduced line (at most `lineLimit`) plus the findings `collector` keeps.
    /// Returns the lines read and the findings they gave (invalid lines not counted).
    @discardableResult
    static func read(_ path: String, root: String, limit: Int = BoundedFile.limit,
                     into collector: inout FindingCollector) -> (lines: Int, findings: Int) {
        guard case .success(let file) = BoundedFile.openRegular(path) else { return (0, 0) }
        defer { close(file.fd) }
        let truncated = file.size > limit
        var reducer = JSONLineReducer(fieldBytes: collector.limits.fieldBytes, lineLimit: lineLimit)
        var lineNo = 0, invalid = 0, found = 0
        var lineHasBytes = false
        var tooMany = false

        func finishLine() {
            defer { reducer.reset(); lineHasBytes = false }
            lineNo += 1
            if lineNo > maxLines {
                tooMany = true
                return
            }
            if reducer.isBlank { return }
            let result: Result<Finding, LineError> = reducer.overflowed
                ? .failure(LineError(message: "longer than \(lineLimit >> 20) MiB once its strings are cut to "
                    + "\(collector.limits.fieldBytes >> 10) KiB; send fewer or smaller values"))
                : parse(Data(reducer.output), root: root)
            switch result {
            case .success(let f):
                found += 1
                collector.append(f, cut: reducer.cut)
            case .failure(let why):
                invalid += 1
                if invalid <= 50 {
                    collector.append(Finding(rule: "command/invalid-finding", severity: .warning,
                                             message: "GATE_FINDINGS line \(lineNo): \(why.message)", identity: "line-\(lineNo)"))
                }
            }
        }

        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var remaining = min(file.size, limit)
        while remaining > 0 && !tooMany {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(file.fd, $0.baseAddress!, min($0.count, remaining)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            remaining -= n
            buffer.withUnsafeBytes { raw in
                var start = 0
                while start < n && !tooMany {
                    let piece = UnsafeRawBufferPointer(rebasing: raw[start..<n])
                    if let nl = piece.firstIndex(of: 0x0A) {
                        reducer.feed(UnsafeRawBufferPointer(rebasing: piece[..<nl]))
                        finishLine()
                        start += nl + 1
                    } else {
                        reducer.feed(piece)
                        lineHasBytes = true
                        start = n
                    }
                }
            }
        }
        // A last line without a newline counts, unless the file was cut there.
        if lineHasBytes && !truncated && !tooMany { finishLine() }
        if tooMany {
            lineNo = maxLines
            collector.append(Finding(rule: "command/invalid-finding", severity: .warning,
                                     message: "GATE_FINDINGS has more than \(maxLines) lines; the rest were ignored",
                                     identity: "too-many-lines"))
        }
        if truncated {
            collector.append(Finding(rule: "command/invalid-finding", severity: .warning,
                                     message: "GATE_FINDINGS is larger than \(limit >> 20) MiB; the rest was ignored",
                                     identity: "too-large"))
        }
        return (lineNo, found)
    }

    struct LineError: Error { let message: String }

    static func parse(_ line: Data, root: String) -> Result<Finding, LineError> {
        guard let obj = try? JSONSerialization.jsonObject(with: line) else {
            return .failure(LineError(message: "not valid JSON"))
        }
        guard let dict = obj as? [String: Any] else { return .failure(LineError(message: "not a JSON object")) }
        guard let rule = dict["rule"] as? String, !rule.isEmpty else {
            return .failure(LineError(message: "missing string 'rule'"))
        }
        guard let message = dict["message"] as? String else {
            return .failure(LineError(message: "missing string 'message'"))
        }
        var severity = Severity.error
        if let s = dict["severity"] {
            guard let str = s as? String, let sev = Severity(rawValue: str.lowercased()) else {
                return .failure(LineError(message: "'severity' must be error, warning or note"))
            }
            severity = sev
        }
        var path: String?
        if let p = dict["path"] {
            guard let str = p as? String else { return .failure(LineError(message: "'path' must be a string")) }
            path = str.hasPrefix("/") ? PathUtil.relative(str, to: root) : PathUtil.normalize(str)
        }
        func positive(_ key: String) -> Result<Int?, LineError> {
            guard let v = dict[key] else { return .success(nil) }
            guard let n = v as? Int, n >= 1 else { return .failure(LineError(message: "'\(key)' must be a positive integer")) }
            return .success(n)
        }
        let line: Int?, column: Int?
        switch positive("line") { case .success(let v): line = v; case .failure(let e): return .failure(e) }
        switch positive("column") { case .success(let v): column = v; case .failure(let e): return .failure(e) }
        let fullRule = rule.contains("/") ? rule : "command/\(rule)"
        let identity = (dict["fingerprint"] as? String) ?? message
        return .success(Finding(rule: fullRule, severity: severity, message: message, path: path, line: line,
                                column: column, identity: identity))
    }
}

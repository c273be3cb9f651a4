import Foundation
import GateCore

/// The GATE_FINDINGS channel: a file the program appends JSON Lines findings to.
///
/// Each line is an object with `rule` and `message` (required), and `severity` (`error`, `warning`,
/// `note`; default `error`), `path`, `line`, `column` and `fingerprint` (optional; a stable identity for
/// waivers and baselines). A rule without a `/` is prefixed with `command/`. Invalid lines become
/// `command/invalid-finding` warnings naming the line number; valid lines are always kept.
enum FindingsFile {
    static let maxLines = 100_000

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

    static func read(_ path: String, root: String, limit: Int = BoundedFile.limit) -> (findings: [Finding], lines: Int) {
        guard case .success(let file) = BoundedFile.read(path, limit: limit), !file.data.isEmpty else { return ([], 0) }
        var data = file.data
        var findings: [Finding] = []
        if file.truncated {
            // Keep whole lines only: the cut one would be reported as invalid JSON.
            if let lastNewline = data.lastIndex(of: 0x0A) { data = data[..<lastNewline] }
            findings.append(Finding(rule: "command/invalid-finding", severity: .warning,
                                    message: "GATE_FINDINGS is larger than \(limit >> 20) MiB; the rest was ignored",
                                    identity: "too-large"))
        }
        var lineNo = 0
        var invalid = 0
        for raw in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNo += 1
            if lineNo > maxLines {
                findings.append(Finding(rule: "command/invalid-finding", severity: .warning,
                                        message: "GATE_FINDINGS has more than \(maxLines) lines; the rest were ignored",
                                        identity: "too-many-lines"))
                break
            }
            let trimmed = raw.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if trimmed.isEmpty { continue }
            switch parse(Data(trimmed), root: root) {
            case .success(let f): findings.append(f)
            case .failure(let why):
                invalid += 1
                if invalid <= 50 {
                    findings.append(Finding(rule: "command/invalid-finding", severity: .warning,
                                            message: "GATE_FINDINGS line \(lineNo): \(why.message)",
                                            identity: "line-\(lineNo)"))
                }
            }
        }
        return (findings, lineNo)
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

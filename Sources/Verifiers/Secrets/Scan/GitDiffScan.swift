import Foundation
import GateCore

/// Scans what git adds: every commit's changed hunks (`history: true`, streaming `git log -p`), or the
/// staged changes (`staged: true`, for pre-commit). Each hunk is scanned with git's context lines around
/// it, so a secret written over several lines is seen whole even when the commit changed only some of them
/// (a private key regenerated in place changes its body, not its `BEGIN` and `END` lines); when a changed
/// line looks like the body of an encoded block, the lines around the hunk are read from the file as that
/// commit has it. Only secrets that touch a changed line are reported: one whose lines all stayed the
/// same was added by an earlier commit.
struct GitDiffScan {
    enum Mode {
        case history(revisions: [String])
        case staged
    }

    var root: String
    var mode: Mode
    var exclude: [Glob]
    var include: [Glob]

    /// Context lines git prints around each change: enough for a name on the line before its value.
    static let contextLines = 3
    /// Lines read from the file above and below a hunk whose changed lines look like a key body: a PEM
    /// block of an 8192-bit RSA key is about 100 lines.
    static let blockReach = 160

    /// git's object caches, bounded, for every git this scan starts. By default git maps its pack files
    /// in windows of 1 GiB (32 GiB in all) and keeps every page it has read mapped, and caches 96 MiB of
    /// delta bases: `git log -p` over a 10,000-commit history peaked at 277 MB, almost all of it the pack
    /// it had read. With these it peaks near 35 MB on any history, for about the same time.
    static let boundedGitMemory = ["-c", "core.packedGitWindowSize=1m", "-c", "core.packedGitLimit=16m",
                                   "-c", "core.deltaBaseCacheLimit=16m"]

    func run(engine: SecretEngine, context: CheckContext) async throws -> (hits: [SecretHit], stats: ScanStats) {
        let probe = try await ProcessRunner.run(ProcessSpec(
            .argv(["git", "rev-parse", "--is-inside-work-tree"]), environment: context.environment, cwd: root, stderr: .discard))
        guard probe.exitCode == 0 else {
            throw VerifierError("'\(modeName)' needs a git repository, and '\(context.relative(root))' is not inside one; "
                                + "run the check in a clone or turn '\(modeName)' off")
        }
        var args = ["git", "-c", "core.quotepath=off", "-c", "diff.noprefix=false", "-c", "diff.suppressBlankEmpty=false"]
            + Self.boundedGitMemory
        let command = args.count
        let diff = ["-U\(Self.contextLines)", "--no-color", "--no-ext-diff", "--no-textconv", "--diff-filter=ACMRT"]
        switch mode {
        case .history(let revisions):
            args += ["log", "-p"] + diff + ["--format=%x01commit %H"] + (revisions.isEmpty ? ["HEAD"] : revisions) + ["--"]
        case .staged:
            args += ["diff", "--cached"] + diff + ["--"]
        }
        let scanner = FileScanner(engine: engine)
        let blobs = BlobReader(root: root, environment: context.environment)
        defer { blobs.close() }
        var parser = DiffParser(include: include, exclude: exclude)
        var hits: [SecretHit] = []
        var widened = 0
        func scan(_ hunk: DiffParser.Hunk) {
            var h = hunk
            if Self.needsBlock(h), let wide = widen(h, blobs) {
                h = wide
                widened += 1
            }
            hits += scanner.scanHunk(h.bytes, path: h.path, lineNumbers: h.lines, added: h.added, commit: h.commit)
            scanner.stats.bytes += h.bytes.count
        }
        let status = try await GitStream.run(args, cwd: root, environment: context.environment) { chunk in
            try Task.checkCancellation()
            parser.feed(chunk, emit: scan)
            if parser.commits % 200 == 1 { context.progress("scanned \(Format.count(parser.commits)) commits") }
        }
        parser.finish(emit: scan)
        if status.code != 0 {
            // An empty repository has no HEAD yet: nothing was ever committed, so nothing leaked.
            if case .history = mode, status.stderr.contains("does not have any commits") || status.stderr.contains("unknown revision") {
                return ([], scanner.stats)
            }
            throw VerifierError("'\(args.dropFirst(command).prefix(2).joined(separator: " "))' failed: "
                                + status.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var stats = scanner.stats
        stats.commits = parser.commits
        stats.files = parser.files
        stats.excluded = parser.excluded
        stats.binary = parser.binary
        stats.widenedHunks = widened
        return (hits, stats)
    }

    /// Whether a changed line looks like a line of an encoded block (a PEM body: 16 or more base64
    /// characters and nothing else) while the hunk does not hold the block's `BEGIN` and `END` lines.
    static func needsBlock(_ h: DiffParser.Hunk) -> Bool {
        guard h.bytes.count >= 16 else { return false }
        var start = 0, index = 0, bodyLine = false
        h.bytes.withUnsafeBufferPointer { b in
            while start <= b.count, !bodyLine {
                var end = start
                while end < b.count, b[end] != 10 { end += 1 }
                if index < h.added.count, h.added[index], isBodyLine(UnsafeBufferPointer(rebasing: b[start..<end])) {
                    bodyLine = true
                }
                start = end + 1
                index += 1
            }
        }
        guard bodyLine else { return false }
        return !(KnownNonSecrets.search(h.bytes, Array("-----BEGIN".utf8)) && KnownNonSecrets.search(h.bytes, Array("-----END".utf8)))
    }

    static func isBodyLine(_ l: UnsafeBufferPointer<UInt8>) -> Bool {
        var n = 0
        for b in l {
            if b == 32 || b == 9 || b == 13 { continue }
            guard KnownNonSecrets.isAlphanumeric(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "/")
                    || b == UInt8(ascii: "=") else { return false }
            n += 1
        }
        return n >= 16
    }

    /// The hunk with `blockReach` lines of the file above and below it, read as the commit (or the
    /// index) has the file; the added lines stay marked. Nil when the file cannot be read.
    private func widen(_ h: DiffParser.Hunk, _ blobs: BlobReader) -> DiffParser.Hunk? {
        let spec = (h.commit ?? "") + ":" + h.path
        guard let blob = blobs.blob(spec), let firstLine = h.lines.first, let lastLine = h.lines.last else { return nil }
        let lo = max(1, firstLine - Self.blockReach), hi = lastLine + Self.blockReach
        let addedLines = Set(zip(h.lines, h.added).filter(\.1).map(\.0))
        var out = DiffParser.Hunk(path: h.path, commit: h.commit, bytes: [], lines: [], added: [])
        var line = 1, start = 0
        while start <= blob.count, line <= hi {
            var end = start
            while end < blob.count, blob[end] != 10 { end += 1 }
            if line >= lo {
                if !out.lines.isEmpty { out.bytes.append(10) }
                out.bytes += blob[start..<end]
                out.lines.append(line)
                out.added.append(addedLines.contains(line))
            }
            if end == blob.count { break }
            start = end + 1
            line += 1
        }
        return out.added.contains(true) ? out : nil
    }

    private var modeName: String {
        if case .staged = mode { return "staged" }
        return "history"
    }
}

/// Runs git and hands its stdout to `body` as it arrives, so that a long history is never held in memory.
enum GitStream {
    struct Status { var code: Int32; var stderr: String }

    static func run(_ argv: [String], cwd: String, environment: [String: String],
                    body: ([UInt8]) throws -> Void) async throws -> Status {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw VerifierError("could not start git: \(error.localizedDescription); install git or turn 'history'/'staged' off")
        }
        // stderr is read on its own thread so that a chatty git cannot block on a full pipe.
        let errBox = ErrorText()
        let errThread = Thread { errBox.set(err.fileHandleForReading.readDataToEndOfFile()) }
        errThread.start()
        let running = Running(process)
        return try await withTaskCancellationHandler {
            let handle = out.fileHandleForReading
            do {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    try body(Array(data))
                }
            } catch {
                process.terminate()
                process.waitUntilExit()
                throw error
            }
            process.waitUntilExit()
            return Status(code: process.terminationStatus, stderr: errBox.wait())
        } onCancel: {
            running.process.terminate()
        }
    }

    /// Process is thread-safe for terminate(); it is just not marked Sendable.
    private final class Running: @unchecked Sendable {
        let process: Process
        init(_ p: Process) { process = p }
    }

    private final class ErrorText: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var text = ""
        func set(_ d: Data) { text = String(decoding: d, as: UTF8.self); done.signal() }
        func wait() -> String { done.wait(); return text }
    }
}

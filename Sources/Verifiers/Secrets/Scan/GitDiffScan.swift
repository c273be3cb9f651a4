import Foundation
import GateCore

/// Scans what git adds: every commit's added lines (`history: true`, streaming `git log -p`), or the
/// staged changes (`staged: true`, for pre-commit). Only added lines are scanned, each file's additions
/// as one buffer whose lines map back to the line numbers in that commit's version of the file.
struct GitDiffScan {
    enum Mode {
        case history(revisions: [String])
        case staged
    }

    var root: String
    var mode: Mode
    var exclude: [Glob]
    var include: [Glob]

    func run(engine: SecretEngine, context: CheckContext) async throws -> (hits: [SecretHit], stats: ScanStats) {
        let probe = try await ProcessRunner.run(ProcessSpec(
            .argv(["git", "rev-parse", "--is-inside-work-tree"]), environment: context.environment, cwd: root, stderr: .discard))
        guard probe.exitCode == 0 else {
            throw VerifierError("'\(modeName)' needs a git repository, and '\(context.relative(root))' is not inside one; "
                                + "run the check in a clone or turn '\(modeName)' off")
        }
        var args = ["git", "-c", "core.quotepath=off", "-c", "diff.noprefix=false"]
        switch mode {
        case .history(let revisions):
            args += ["log", "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--diff-filter=ACMRT",
                     "--format=%x01commit %H"] + (revisions.isEmpty ? ["HEAD"] : revisions) + ["--"]
        case .staged:
            args += ["diff", "--cached", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--diff-filter=ACMRT", "--"]
        }
        let scanner = FileScanner(engine: engine)
        var parser = DiffParser(include: include, exclude: exclude)
        var hits: [SecretHit] = []
        let status = try await GitStream.run(args, cwd: root, environment: context.environment) { chunk in
            try Task.checkCancellation()
            parser.feed(chunk) { file in
                hits += scanner.scanText(file.bytes, path: file.path, lineNumbers: file.lines, commit: file.commit)
                scanner.stats.bytes += file.bytes.count
            }
            if parser.commits % 200 == 1 { context.progress("scanned \(Format.count(parser.commits)) commits") }
        }
        parser.finish { file in
            hits += scanner.scanText(file.bytes, path: file.path, lineNumbers: file.lines, commit: file.commit)
            scanner.stats.bytes += file.bytes.count
        }
        if status.code != 0 {
            // An empty repository has no HEAD yet: nothing was ever committed, so nothing leaked.
            if case .history = mode, status.stderr.contains("does not have any commits") || status.stderr.contains("unknown revision") {
                return ([], scanner.stats)
            }
            throw VerifierError("'\(args.dropFirst(5).prefix(2).joined(separator: " "))' failed: "
                                + status.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var stats = scanner.stats
        stats.commits = parser.commits
        stats.files = parser.files
        stats.excluded = parser.excluded
        stats.binary = parser.binary
        return (hits, stats)
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

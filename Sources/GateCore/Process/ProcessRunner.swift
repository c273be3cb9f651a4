import CGateSupport
import Foundation
import Synchronization

/// Runs programs in their own process group, captures bounded output, and stops the whole group on
/// timeout or cancellation (SIGTERM, then SIGKILL after a grace period).
///
/// Hand-written over a vfork-based spawn (`gate_spawn`) rather than Foundation's Process (which cannot set
/// a process group) or swift-subprocess (whose collected output cannot keep just the tail): gate needs the
/// group, the tail, pidfd-based exit detection and the leftover-process kill together. One reactor thread
/// (`ProcessReactor`) watches every child; no cooperative-pool thread ever blocks on a process.
public enum ProcessRunner {
    /// Runs `spec` to completion. Cancelling the calling task stops the process group.
    /// - Throws: `ProcessError` when the program cannot be started, `CancellationError` when the task was
    ///   cancelled before it started.
    public static func run(_ spec: ProcessSpec) async throws -> ProcessResult {
        let prepared = try Prepared(spec)
        let token = CancelToken()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (cont: CheckedContinuation<ProcessResult, any Error>) in
                // The child starts on the reactor's thread, which outlives every check (see ProcessReactor).
                let job = ProcessJob(prepared: prepared, token: token) { cont.resume(with: $0) }
                if token.isCancelled {
                    cont.resume(throwing: CancellationError())
                    return
                }
                ProcessReactor.shared.start(job)
            }
        } onCancel: {
            token.cancel()
            ProcessReactor.shared.wake()
        }
    }

    /// Resolves `program` in a PATH string the way execvp would, returning an absolute path.
    public static func which(_ program: String, path: String?, cwd: String) -> String? {
        if program.utf8.contains(UInt8(ascii: "/")) {
            let p = PathUtil.resolve(program, against: cwd)
            return access(p, F_OK) == 0 ? p : nil
        }
        for dir in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = PathUtil.resolve(program, against: dir.isEmpty ? cwd : String(dir))
            if access(candidate, X_OK) == 0 {
                var st = stat()
                if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { return candidate }
            }
        }
        return nil
    }
}

/// The spec turned into what `gate_spawn` needs.
struct Prepared: Sendable {
    let spec: ProcessSpec
    let executable: String
    let argv: [String]
    let env: [String]

    init(_ spec: ProcessSpec) throws {
        self.spec = spec
        var st = stat()
        guard stat(spec.cwd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw ProcessError.missingDirectory(spec.cwd)
        }
        switch spec.command {
        case .shell(let script):
            argv = ["/bin/sh", "-c", script]
        case .argv(let a):
            guard let first = a.first, !first.isEmpty else { throw ProcessError.emptyCommand }
            argv = a
        }
        // Checked here too, not only at load: arguments also come from files (determinism cases).
        if let i = argv.firstIndex(where: { $0.utf8.contains(0) }) {
            throw ProcessError.nulCharacter(i == 0 ? "the program name" : "argument \(i)")
        }
        if let bad = spec.environment.first(where: { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) }) {
            throw ProcessError.nulCharacter("the environment variable \(bad.key.prefix { $0 != "\0" })")
        }
        if spec.cwd.utf8.contains(0) { throw ProcessError.nulCharacter("the working directory") }
        let program = argv[0]
        let exe: String
        if program.utf8.contains(UInt8(ascii: "/")) {
            // A path: one access(2) when it is executable, the usual case.
            let p = PathUtil.resolve(program, against: spec.cwd)
            guard access(p, X_OK) == 0 else {
                if access(p, F_OK) == 0 { throw ProcessError.notExecutable(program: program) }
                throw ProcessError.notFound(program: program, path: spec.environment["PATH"] ?? "")
            }
            exe = p
        } else {
            // `which` only returns executable regular files from PATH.
            guard let found = ProcessRunner.which(program, path: spec.environment["PATH"], cwd: spec.cwd) else {
                throw ProcessError.notFound(program: program, path: spec.environment["PATH"] ?? "")
            }
            exe = found
        }
        executable = exe
        env = Self.sortedEnvironment(spec.environment)
    }
}

extension Prepared {
    /// The last sorted list of names: checks of one run share their variables' names (only values such as
    /// GATE_FINDINGS differ), so the order is checked against the dictionary instead of sorted again.
    private static let lastNames = Locked<[String]>([])

    /// `NAME=value` strings sorted by name, so that every child sees its variables in the same order.
    static func sortedEnvironment(_ environment: [String: String]) -> [String] {
        var names = lastNames.withLock { $0 }
        if names.count != environment.count || !names.allSatisfy({ environment[$0] != nil }) {
            names = environment.keys.sorted()
            lastNames.withLock { $0 = names }
        }
        return names.map { $0 + "=" + environment[$0]! }
    }
}

/// Keeps the last `limit` bytes of a stream.
struct TailBuffer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var total = 0

    init(limit: Int) { self.limit = max(0, limit) }

    mutating func append(_ chunk: UnsafeRawBufferPointer) {
        total += chunk.count
        guard limit > 0 else { return }
        if chunk.count >= limit {
            bytes = Array(chunk[(chunk.count - limit)...])
            return
        }
        bytes.append(contentsOf: chunk)
        if bytes.count > limit * 2 { bytes.removeFirst(bytes.count - limit) }
    }

    var captured: CapturedOutput {
        CapturedOutput(bytes: bytes.count > limit ? Array(bytes.suffix(limit)) : bytes, totalBytes: total)
    }
}

/// What to run, where, and what to do with its output.
public struct ProcessSpec: Sendable {
    public enum Command: Sendable, Equatable, CustomStringConvertible {
        /// Run an argv directly; `argv[0]` is looked up in the child's PATH unless it contains '/'.
        case argv([String])
        /// Run a string under `/bin/sh -c`.
        case shell(String)

        public var description: String {
            switch self {
            case .argv(let a): a.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
            case .shell(let s): s
            }
        }
    }

    public enum Output: Sendable, Equatable {
        /// Keep the last `captureLimit` bytes in memory.
        case capture
        /// Write everything to a file (created or truncated).
        case file(String)
        /// Send to /dev/null.
        case discard
    }

    public var command: Command
    public var environment: [String: String]
    public var cwd: String
    public var stdout: Output
    public var stderr: Output
    /// Bytes kept per captured stream (the tail).
    public var captureLimit: Int
    /// Stop the process group after this long.
    public var timeout: Duration?
    /// Time between SIGTERM and SIGKILL when stopping; at most `maxKillGrace` is honoured.
    public var killGrace: Duration

    /// The longest grace a stopped program gets before SIGKILL. gate does not exit while a check's
    /// processes live, so this bounds how long a check that ignores SIGTERM can hold gate after a timeout
    /// or an interrupt (a second Ctrl-C skips the grace).
    public static let maxKillGrace: Duration = .seconds(60)

    public init(_ command: Command, environment: [String: String], cwd: String, stdout: Output = .capture,
                stderr: Output = .capture, captureLimit: Int = 64 * 1024, timeout: Duration? = nil,
                killGrace: Duration = .seconds(5)) {
        self.command = command
        self.environment = environment
        self.cwd = cwd
        self.stdout = stdout
        self.stderr = stderr
        self.captureLimit = captureLimit
        self.timeout = timeout
        self.killGrace = killGrace
    }
}

/// The last bytes of a stream and how many were written in all.
public struct CapturedOutput: Sendable, Equatable {
    public var bytes: [UInt8]
    public var totalBytes: Int

    public init(bytes: [UInt8] = [], totalBytes: Int = 0) {
        self.bytes = bytes
        self.totalBytes = totalBytes
    }

    public var truncated: Bool { totalBytes > bytes.count }

    /// The kept bytes as text; invalid UTF-8 becomes U+FFFD, never a crash. When the start was cut, the
    /// piece of a word before the first separator becomes `…` (it may be the end of a cut token).
    public var text: String {
        let text = String(decoding: bytes, as: UTF8.self)
        return truncated ? Redactor.cutStart(text) : text
    }
}

/// How a process ended and what it wrote.
public struct ProcessResult: Sendable {
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        public var description: String {
            switch self {
            case .exited(let c): "exit code \(c)"
            case .signaled(let s): "signal \(s) (\(SignalNames.name(s)))"
            }
        }
    }

    public var termination: Termination
    /// The run hit `ProcessSpec.timeout`.
    public var timedOut: Bool
    /// The calling task was cancelled (timeout of the check, or the run was interrupted).
    public var cancelled: Bool
    /// Processes were still running in the group after the main one exited, and were killed.
    public var killedLeftovers: Bool
    public var stdout: CapturedOutput
    public var stderr: CapturedOutput
    public var duration: Duration
    public var pid: Int32

    public var exitCode: Int32? {
        if case .exited(let c) = termination { return c }
        return nil
    }
}

/// Why a process could not be started.
public enum ProcessError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(program: String, path: String)
    case notExecutable(program: String)
    case missingDirectory(String)
    case spawnFailed(program: String, errno: Int32)
    case outputFile(path: String, errno: Int32)
    case emptyCommand
    /// A NUL in an argument, a variable or the directory: C would see only the text before it.
    case nulCharacter(String)

    public var description: String {
        switch self {
        case .notFound(let program, _) where program.contains("/"):
            "cannot run '\(program)': no such file; check the path"
        case .notFound(let program, _):
            "cannot run '\(program)': not found in PATH; install it or give its full path"
        case .notExecutable(let program):
            "cannot run '\(program)': not executable; check its permissions (chmod +x)"
        case .missingDirectory(let dir):
            "working directory '\(dir)' does not exist"
        case .spawnFailed(let program, let code):
            "could not start '\(program)': \(String(cString: strerror(code)))"
        case .outputFile(let path, let code):
            "cannot open output file '\(path)': \(String(cString: strerror(code)))"
        case .emptyCommand:
            "the command is empty"
        case .nulCharacter(let what):
            "\(what) contains a NUL character, which a program cannot be given; nothing was run"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Signal names for messages.
public enum SignalNames {
    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGHUP: "SIGHUP"
        case SIGINT: "SIGINT"
        case SIGQUIT: "SIGQUIT"
        case SIGILL: "SIGILL"
        case SIGABRT: "SIGABRT"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        case SIGKILL: "SIGKILL"
        case SIGSEGV: "SIGSEGV"
        case SIGPIPE: "SIGPIPE"
        case SIGALRM: "SIGALRM"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }
}

import CGateSupport
import Foundation
import GateCore
import Synchronization

/// Terminal output: unbuffered writes to stdout/stderr and the terminal's facts.
///
/// Everything gate prints passes `VisibleText.inertWorkflowCommands`, so that no line of it is a CI
/// workflow command; gate's own commands (annotations, the pause around check text) go through
/// `writeWorkflowCommands` alone. Callers render text from checks with `VisibleText` first.
///
/// Everything printed also passes the redactor: check results arrive redacted already, but progress
/// messages, notes and error messages do not come from a result.
enum Terminal {
    static func write(_ s: String) { writeAll(1, VisibleText.inertWorkflowCommands(s)) }
    static func writeError(_ s: String) { writeAll(2, VisibleText.inertWorkflowCommands(s)) }

    /// The token of a `::stop-commands::` gate issued and has not yet resumed from.
    private static let pauseToken = Mutex<String?>(nil)

    /// Under GitHub Actions, stops the runner from processing workflow commands until `resumeWorkflowCommands`
    /// (GitHub's `stop-commands`, with a random token per run that no check can know or print).
    static func pauseWorkflowCommands(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environment["GITHUB_ACTIONS"] == "true" else { return }
        pauseToken.withLock { token in
            guard token == nil else { return }
            var rng = SystemRandomNumberGenerator()
            let t = (0..<4).map { _ in String(rng.next() as UInt64, radix: 16) }
                .map { String(repeating: "0", count: 16 - $0.count) + $0 }.joined()
            token = t
            writeAll(1, "::stop-commands::\(t)\n")
        }
    }

    /// Ends a pause begun by `pauseWorkflowCommands`; nothing when none is active. Every way gate exits
    /// after a pause calls this, or the rest of the workflow step would run with commands off.
    static func resumeWorkflowCommands() {
        pauseToken.withLock { token in
            guard let t = token else { return }
            writeAll(1, "::\(t)::\n")
            token = nil
        }
    }

    /// gate's own workflow command lines (annotations), after resuming from any pause.
    static func writeWorkflowCommands(_ lines: [String]) {
        resumeWorkflowCommands()
        if !lines.isEmpty { writeAll(1, lines.joined(separator: "\n") + "\n") }
    }

    /// Shapes, and the values of gate's own secret-looking variables.
    private static let redactor = Redactor(environment: ProcessInfo.processInfo.environment)

    private static func writeAll(_ fd: Int32, _ s: String) {
        var bytes = Array(redactor.redact(s).utf8)
        var offset = 0
        bytes.withUnsafeMutableBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }

    static var stdoutIsTTY: Bool { isatty(1) == 1 }

    /// Columns on stdout, or nil when it is not a terminal.
    static var width: Int? {
        let w = Int(gate_terminal_width(1))
        return w > 0 ? w : nil
    }

    /// Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb.
    static func colorAllowed(flagDisabled: Bool) -> Bool {
        let env = ProcessInfo.processInfo.environment
        if flagDisabled || env["NO_COLOR"].map({ !$0.isEmpty }) == true { return false }
        if env["TERM"] == "dumb" { return false }
        return stdoutIsTTY || env["FORCE_COLOR"].map { !$0.isEmpty } == true
    }

    /// Live redrawing needs a terminal, and CI logs want stable lines instead.
    static var liveAllowed: Bool {
        let env = ProcessInfo.processInfo.environment
        return stdoutIsTTY && env["CI"].map({ $0.isEmpty || $0 == "false" || $0 == "0" }) ?? true
            && env["TERM"] != "dumb"
    }
}

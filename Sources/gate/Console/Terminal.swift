import CGateSupport
import Foundation

/// Raw terminal output: unbuffered writes to stdout/stderr and the terminal's facts.
enum Terminal {
    static func write(_ s: String) { writeAll(1, s) }
    static func writeError(_ s: String) { writeAll(2, s) }

    private static func writeAll(_ fd: Int32, _ s: String) {
        var bytes = Array(s.utf8)
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

import GateCore

/// gate's exit codes, which CI systems act on.
public enum GateExit {
    /// Every required check passed or was waived.
    public static let success: Int32 = 0
    /// A required check failed or timed out.
    public static let failed: Int32 = 1
    /// Usage or configuration error; the message names the file, line and key.
    public static let usage: Int32 = 2
    /// Internal error, or a required check errored (gate could not verify).
    public static let internalError: Int32 = 3
    /// Interrupted by SIGINT or SIGTERM; reports are still written and marked interrupted.
    public static let interrupted: Int32 = 130

    /// The run's status and exit code from its results. An errored required check outranks a failed one:
    /// a gate that could not verify must never look like one that verified and found problems.
    public static func status(for results: [CheckResult], interrupted: Bool) -> (RunStatus, Int32) {
        if interrupted { return (.interrupted, Self.interrupted) }
        if results.contains(where: { $0.required && $0.status == .error }) { return (.error, internalError) }
        if results.contains(where: { $0.blocksRun }) { return (.failed, failed) }
        return (.passed, success)
    }
}

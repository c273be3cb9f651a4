/// The outcome of one check.
public enum CheckStatus: String, Codable, Sendable, CaseIterable {
    /// Every rule held (warnings and notes may still be present).
    case passed
    /// At least one unwaived error-severity finding, or a command exited non-zero.
    case failed
    /// The verifier could not run: bad input, a missing program, a crash.
    case error
    /// The check ran past its timeout and was stopped.
    case timedOut = "timed-out"
    /// Not run: a need did not pass, it was not selected, or the run was interrupted first.
    case skipped
    /// It failed, but every failing finding is covered by a waiver.
    case waived

    /// True for the statuses that let dependent checks run.
    public var satisfiesNeeds: Bool { self == .passed || self == .waived }
}

/// The outcome of a whole run.
public enum RunStatus: String, Codable, Sendable {
    case passed
    case failed
    case error
    case interrupted
}

/// Everything a user needs to know about a verifier: what it checks, its parameters, the rules it can
/// report, and small examples that double as tests (a test in GateKitTests runs every one).
public struct VerifierDescriptor: Sendable {
    /// Short, lowercase: the suite's `uses:` value, the `Fixtures/` folder and the rule prefix.
    public var id: String
    /// One line for `gate list`.
    public var summary: String
    /// Paragraphs for `gate explain`: what counts as a failure, how it compares with peer tools.
    public var discussion: String
    public var parameters: [ParameterSpec]
    public var rules: [RuleDescriptor]
    public var examples: [VerifierExample]

    public init(id: String, summary: String, discussion: String, parameters: [ParameterSpec],
                rules: [RuleDescriptor], examples: [VerifierExample]) {
        self.id = id
        self.summary = summary
        self.discussion = discussion
        self.parameters = parameters
        self.rules = rules
        self.examples = examples
    }

    /// Parameter names every verifier accepts, handled by the core.
    public static let commonParameters: [ParameterSpec] = [
        ParameterSpec("root", .path, default: ".",
                      "Directory the check works on; relative paths in other parameters resolve against it."),
    ]
}

/// A runnable example: a `with:` block, files to create under a fresh root, and the expected status.
public struct VerifierExample: Sendable {
    public var title: String
    /// The `with:` block as YAML text.
    public var with: String
    /// Files to create (relative path to content) before running.
    public var files: [String: String]
    public var expect: CheckStatus
    /// Rules that must appear among the findings (for failing examples).
    public var expectRules: [String]
    /// Extra set-up that cannot be expressed as files (for example `git init`), run in the root.
    public var prepare: (@Sendable (_ root: String) throws -> Void)?
    /// The same set-up as shell commands, printed by `gate explain` so that the example runs as printed;
    /// nil when `prepare` has no shell form (the example then says what it needs).
    public var prepareShell: String?
    /// What `prepare` does, in words, for examples without `prepareShell`.
    public var prepareNote: String?

    /// The exit code `gate run` gives for this example's suite.
    public var expectedExitCode: Int32 {
        switch expect {
        case .passed, .waived, .skipped: 0
        case .failed, .timedOut: 1
        case .error: 3
        }
    }

    public init(_ title: String, with: String, files: [String: String] = [:], expect: CheckStatus,
                expectRules: [String] = [], prepare: (@Sendable (_ root: String) throws -> Void)? = nil,
                prepareShell: String? = nil, prepareNote: String? = nil) {
        self.prepareShell = prepareShell
        self.prepareNote = prepareNote
        self.title = title
        self.with = with
        self.files = files
        self.expect = expect
        self.expectRules = expectRules
        self.prepare = prepare
    }
}

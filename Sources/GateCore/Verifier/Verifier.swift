/// A verifier: one kind of check, in its own module, registered in `GateKit/BuiltinVerifiers.swift`.
///
/// The life cycle has two phases, so that bad configuration stops a run before anything starts:
/// 1. `init(parameters:)` runs at load time (`gate run`, `gate validate`, `gate check`). It validates the
///    `with:` block and captures everything `run` needs. Throw `ConfigError` (exit code 2) naming the key.
///    Generic checks (unknown keys, declared types, required keys) have already passed by then.
/// 2. `run(_:)` does the work and returns findings as values. Throw `VerifierError` when the check cannot
///    run at all (missing input, unreadable database); that becomes the `error` status, not a finding.
///    Long work should call `context.checkCancellation()` now and then, and report progress.
public protocol Verifier: Sendable {
    /// What the verifier checks, its parameters, rules and examples. `gate explain` prints it.
    static var descriptor: VerifierDescriptor { get }

    /// The verifier's id (`descriptor.id`). Looking a verifier up by id reads this, so a verifier whose
    /// descriptor is costly to build (secrets parses its ruleset) can answer without building it.
    static var id: String { get }

    init(parameters: Parameters) throws(ConfigError)

    func run(_ context: CheckContext) async throws -> CheckOutcome

    /// The rules this configured instance evaluates: JUnit's testcase list, also when the check is skipped
    /// or errors. Defaults to every rule in the descriptor.
    var evaluatedRules: [String] { get }

    /// What this configured check reads (files, environment), for the result cache. The default, nil, means
    /// the verifier cannot tell, and its checks are cached only when the suite declares `inputs:`. Return nil
    /// too when a run has effects beyond its outcome (it writes a baseline, it probes a live server).
    /// `parameters` is the check's validated `with:` block (paths resolve against its root).
    func defaultInputs(_ parameters: Parameters) -> CacheInputs?

    /// True when the verifier honours `context.slice`, so that `split: true` spreads one check over shards.
    static var supportsSplit: Bool { get }

    /// True when `run` returns soon after its task is cancelled, on every path: it never blocks in a call
    /// that ignores cancellation. The scheduler then runs a check without a timeout directly in the check's
    /// task instead of in a task of its own that it can abandon. Defaults to false.
    static var stopsPromptlyWhenCancelled: Bool { get }

    /// Environment variables the run needs (credentials named by `token-env`). When one is unset or empty
    /// for a selected check, the run stops with a configuration error (exit 2) naming its key. Defaults to none.
    var requiredEnvironment: [RequiredVariable] { get }
}

extension Verifier {
    public var evaluatedRules: [String] { Self.descriptor.rules.map(\.id) }
    public static var id: String { descriptor.id }
    public static var stopsPromptlyWhenCancelled: Bool { false }
    public var requiredEnvironment: [RequiredVariable] { [] }
}

/// A verifier could not run. The message says what is wrong and how to fix it.
public struct VerifierError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// What a verifier's `run` returns. The check's status is derived from the findings (an unwaived
/// `error` finding fails it) unless `status` overrides that, as the `command` verifier does with exit codes.
public struct CheckOutcome: Sendable {
    public var findings: [Finding]
    public var summary: String
    public var stats: [String: JSONValue]
    /// Rules evaluated by this run; nil means every rule in the descriptor.
    public var rules: [String]?
    /// Descriptions for rules that are not in the descriptor (ingested from other tools).
    public var extraRules: [RuleDescriptor]
    public var log: String?
    public var status: CheckStatus?
    /// JUnit testcases other than one per rule; nil keeps one per rule.
    public var testcases: TestcaseLayout?
    /// Findings the verifier found but did not keep (a `FindingCollector`'s counts).
    public var dropped: [DroppedFindings]

    public init(findings: [Finding] = [], summary: String, stats: [String: JSONValue] = [:], rules: [String]? = nil,
                extraRules: [RuleDescriptor] = [], log: String? = nil, status: CheckStatus? = nil,
                testcases: TestcaseLayout? = nil, dropped: [DroppedFindings] = []) {
        self.findings = findings
        self.dropped = dropped
        self.summary = summary
        self.stats = stats
        self.rules = rules
        self.extraRules = extraRules
        self.log = log
        self.status = status
        self.testcases = testcases
    }
}

/// An environment variable a configured check needs when it runs (a `token-env`), with the suite key
/// that names it. A selected check whose variable is unset or empty stops the run before anything starts,
/// as a configuration error (exit 2) at that key.
public struct RequiredVariable: Sendable, Hashable {
    public var name: String
    public var key: String
    public var location: SourceLocation

    public init(name: String, key: String, location: SourceLocation) {
        self.name = name
        self.key = key
        self.location = location
    }

    /// The first variable of `required` that `environment` lacks, as the error to stop with.
    public static func check(_ required: [RequiredVariable], in environment: [String: String]) -> ConfigError? {
        guard let missing = required.first(where: { (environment[$0.name] ?? "").isEmpty }) else { return nil }
        return .invalidParameter(missing.location, key: missing.key, message: "the environment variable '\(missing.name)' "
            + "is not set or is empty; export it before running gate, or set it in the suite's or the check's 'env'")
    }
}

/// How a check's environment is built, in one place for the scheduler and the load-time checks.
public enum CheckEnvironment {
    /// The environment a check's programs see: gate's own, then the suite's `env`, then the check's, each
    /// value expanded against what came before.
    public static func build(base: [String: String], suite: [String: String], check: [String: String]) -> [String: String] {
        var env = base
        for (k, v) in suite.sorted(by: { $0.key < $1.key }) { env[k] = EnvExpansion.expand(v, env) }
        for (k, v) in check.sorted(by: { $0.key < $1.key }) { env[k] = EnvExpansion.expand(v, env) }
        return env
    }
}

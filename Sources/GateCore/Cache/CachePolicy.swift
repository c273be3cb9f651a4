/// A check's caching and sharding settings from its suite entry: `inputs:`, `env-inputs:`, `cache:`,
/// `split:` and `weight:`.
public struct CachePolicy: Sendable, Hashable {
    /// `inputs:` as written (paths or globs relative to the check's root). When set it replaces the
    /// verifier's default inputs; nil keeps them.
    public var inputs: [String]?
    /// `env-inputs:`: environment variables whose values join the cache key (with the verifier's own).
    public var envInputs: [String]
    /// `cache: false` turns the result cache off for this check.
    public var enabled: Bool
    /// `split: true`: under `--shard` the check runs on every shard, each doing one slice of its work.
    public var split: Bool
    /// `weight:`: the check's relative cost for shard balancing when the history has no durations.
    public var weight: Double?

    public init(inputs: [String]? = nil, envInputs: [String] = [], enabled: Bool = true, split: Bool = false,
                weight: Double? = nil) {
        self.inputs = inputs
        self.envInputs = envInputs
        self.enabled = enabled
        self.split = split
        self.weight = weight
    }
}

extension SuiteLoader {
    /// Reads the cache and shard keys of one check entry, naming file, line and key on any mistake.
    static func loadCachePolicy(_ raw: ConfigValue, id: String, verifier: any Verifier.Type) throws(ConfigError) -> CachePolicy {
        var policy = CachePolicy()
        if let v = raw["inputs"], !v.isNull {
            guard let list = v.stringList, list.contains(where: { !$0.hasPrefix("!") }),
                  !list.contains(where: { $0.isEmpty || $0 == "!" }) else {
                throw .invalidValue(v.location, key: "inputs", expected: "a path or glob, or a list of them ('!glob' leaves files out)",
                                    got: v.typeDescription)
            }
            policy.inputs = list
        }
        if let v = raw["env-inputs"], !v.isNull {
            guard let list = v.stringList else {
                throw .invalidValue(v.location, key: "env-inputs", expected: "a variable name or a list of names",
                                    got: v.typeDescription)
            }
            if let bad = list.first(where: { !isEnvironmentName($0) }) {
                throw .invalidParameter(v.location, key: "env-inputs",
                                        message: "'\(bad)' is not an environment variable name (letters, digits and "
                                            + "'_', not starting with a digit)")
            }
            policy.envInputs = Array(Set(list)).sorted()
        }
        if let v = raw["cache"], !v.isNull {
            guard let b = v.bool else {
                throw .invalidValue(v.location, key: "cache", expected: "true or false", got: v.typeDescription)
            }
            policy.enabled = b
        }
        if let v = raw["split"], !v.isNull {
            guard let b = v.bool else {
                throw .invalidValue(v.location, key: "split", expected: "true or false", got: v.typeDescription)
            }
            if b && !verifier.supportsSplit {
                throw .invalidParameter(v.location, key: "split",
                                        message: "check '\(id)' uses '\(verifier.descriptor.id)', which cannot split its "
                                            + "work across shards; remove 'split' (verifiers that can: cas, secrets)")
            }
            policy.split = b
        }
        if let v = raw["weight"], !v.isNull {
            guard let w = v.double, w > 0, w <= 1_000_000 else {
                throw .invalidValue(v.location, key: "weight", expected: "a number above 0, at most 1000000",
                                    got: v.typeDescription)
            }
            policy.weight = w
        }
        return policy
    }

    /// A split check runs on every shard, so it can neither wait for a check on one shard nor be waited for.
    static func validateSplits(_ checks: [CheckSpec]) throws(ConfigError) {
        let split = Set(checks.filter(\.cache.split).map(\.id))
        guard !split.isEmpty else { return }
        for c in checks {
            if c.cache.split, let n = c.needs.first {
                throw .invalidParameter(c.location, key: "split",
                                        message: "check '\(c.id)' is split across shards, so it cannot need '\(n)'; "
                                            + "remove 'needs' or 'split'")
            }
            if let n = c.needs.first(where: split.contains) {
                throw .invalidParameter(c.location, key: "needs",
                                        message: "check '\(c.id)' needs '\(n)', which is split across shards; "
                                            + "remove 'split' from '\(n)' or this need")
            }
        }
    }

    static func isEnvironmentName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || ("a"..."z").contains($0)
            || ("A"..."Z").contains($0) || ("0"..."9").contains($0)) }
    }
}

/// The verifiers a run can use, looked up by id. The built-in list lives in GateKit; tests build their own.
public struct VerifierRegistry: Sendable {
    public let types: [any Verifier.Type]

    public init(_ types: [any Verifier.Type]) {
        self.types = types
    }

    public var ids: [String] { types.map { $0.id } }

    public func type(for id: String) -> (any Verifier.Type)? {
        types.first { $0.id == id }
    }

    /// Validates parameters generically (unknown keys, required keys, declared shapes), then lets the
    /// verifier validate their meaning. Throws on the first problem, naming file, line and key.
    public func make(_ type: any Verifier.Type, parameters: Parameters) throws(ConfigError) -> any Verifier {
        let d = type.descriptor
        let specs = d.parameters + VerifierDescriptor.commonParameters
        let names = specs.map(\.name)
        for key in parameters.values.keys.sorted() {
            guard let spec = specs.first(where: { $0.name == key }) else {
                let loc = parameters.values[key]!.location
                if SuiteKeys.check.contains(key) {
                    let fix = loc.file == "--set"
                        ? (key == "timeout" ? "gate check takes it as --timeout" : "gate check has no --set for it")
                        : "move it out of 'with:' to the check itself, beside 'id'"
                    throw .invalidParameter(loc, key: key, message: "'\(key)' is a key of the check, not a parameter of the "
                                            + "'\(d.id)' verifier; \(fix).")
                }
                throw .unknownKey(loc, key: key, context: "the '\(d.id)' verifier's parameters", valid: names)
            }
            if let v = parameters.values[key], !v.isNull { try spec.validate(v) }
        }
        for spec in specs where spec.required && !parameters.has(spec.name) {
            throw .missingKey(parameters.location, key: spec.name, context: "'with' of a '\(d.id)' check")
        }
        return try type.init(parameters: parameters)
    }

    /// Every rule descriptor of every verifier.
    public var allRules: [RuleDescriptor] { types.flatMap { $0.descriptor.rules } }

    /// The rule descriptors of the verifiers with these ids, for a run's reports (which describe only the
    /// rules their checks evaluated), without building the descriptors of verifiers the suite does not use.
    public func rules(ofVerifiers ids: Set<String>) -> [RuleDescriptor] {
        types.filter { ids.contains($0.id) }.flatMap { $0.descriptor.rules }
    }
}

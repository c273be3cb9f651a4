/// What a bisection turns on and off: a variation, or one of the independent settings of a variation
/// that sets several (the random variation's PYTHONHASHSEED and PERL_HASH_SEED), so that the answer can
/// be "PYTHONHASHSEED varies" rather than "the hash seeds vary".
struct Factor: Hashable, Comparable, Sendable, CustomStringConvertible {
    var variation: Variation
    /// The setting within the variation, or nil for the whole variation.
    var part: String?

    init(_ variation: Variation, _ part: String? = nil) {
        self.variation = variation
        self.part = part
    }

    /// The factors of a variation, in the order a bisection tries them.
    static func of(_ v: Variation) -> [Factor] {
        switch v {
        case .random: [Factor(v, "PYTHONHASHSEED"), Factor(v, "PERL_HASH_SEED")]
        default: [Factor(v)]
        }
    }

    /// "PYTHONHASHSEED", "the clock", "TZ": the subject of "... varies".
    var label: String { part ?? variation.condition }

    /// `random:PYTHONHASHSEED`, `tz`: for stats and manifests.
    var description: String { part.map { "\(variation.rawValue):\($0)" } ?? variation.rawValue }

    static func < (a: Factor, b: Factor) -> Bool {
        a.variation != b.variation ? a.variation < b.variation : (a.part ?? "") < (b.part ?? "")
    }
}

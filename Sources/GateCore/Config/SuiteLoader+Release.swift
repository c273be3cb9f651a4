import Foundation

/// The release-manager parts of a suite: manual checklist items and the `waivers:`/`history:` settings.
extension SuiteLoader {
    /// Keys a manual item may carry besides its own.
    static let manualCommonKeys = ["id", "description", "needs", "required", "tags"]

    func loadManualItem(_ raw: ConfigValue, id: String, idLocation: SourceLocation,
                        suiteRoot: String) throws(ConfigError) -> CheckSpec {
        let allowed = Self.manualCommonKeys + ManualItem.keys
        for e in raw.mapping ?? [] where !allowed.contains(e.key) {
            throw .invalidParameter(e.keyLocation, key: e.key,
                                    message: "a manual checklist item takes no '\(e.key)'; it runs nothing and is "
                                        + "signed off with 'gate attest'. Its keys are: \(allowed.joined(separator: ", "))")
        }
        func text(_ key: String) throws(ConfigError) -> String? {
            guard let v = raw[key], !v.isNull else { return nil }
            guard let s = v.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalidValue(v.location, key: key, expected: "a non-empty string", got: v.typeDescription)
            }
            return s
        }
        guard let title = try text("manual") else {
            throw .invalidValue(raw["manual"]!.location, key: "manual", expected: "the item's text, such as "
                                + "'Rollback script prepared'", got: raw["manual"]!.typeDescription)
        }
        guard let owner = try text("owner") else {
            throw .missingKey(raw.location, key: "owner", context: "manual item '\(id)' (who signs it off)")
        }
        let validFor = try Self.duration(raw["valid-for"], key: "valid-for")
        var binding = ManualItem.Binding.commit
        if let b = raw["bind-to"], !b.isNull {
            guard let s = b.string, let value = ManualItem.Binding(rawValue: s) else {
                throw .invalidValue(b.location, key: "bind-to", expected: "'commit' or 'none'", got: b.typeDescription)
            }
            binding = value
        }
        let item = ManualItem(title: title, owner: owner, validFor: validFor, evidence: try text("evidence"),
                              bindTo: binding)

        var needs: [String] = []
        if let n = raw["needs"] {
            guard let list = n.stringList else {
                throw .invalidValue(n.location, key: "needs", expected: "a check id or a list of ids", got: n.typeDescription)
            }
            needs = list
        }
        var required = true
        if let r = raw["required"] {
            guard let b = r.bool else {
                throw .invalidValue(r.location, key: "required", expected: "true or false", got: r.typeDescription)
            }
            required = b
        }
        var tags: [String] = []
        if let t = raw["tags"] {
            guard let list = t.stringList else {
                throw .invalidValue(t.location, key: "tags", expected: "a tag or a list of tags", got: t.typeDescription)
            }
            tags = list
        }
        let params = Parameters(values: [:], root: suiteRoot, location: raw.location)
        return CheckSpec(
            id: id, description: raw["description"]?.string, verifierID: ManualItemVerifier.descriptor.id,
            verifier: ManualItemVerifier(item: item), parameters: params, needs: needs, timeout: nil, required: required,
            tags: tags, root: suiteRoot, location: idLocation, manual: item)
    }

    /// `waivers: {max-lifetime: 90d}` and `history: {retention: 500}`.
    static func loadPolicies(_ doc: ConfigValue, into suite: inout Suite) throws(ConfigError) {
        if let w = doc["waivers"], !w.isNull {
            guard let entries = w.mapping else {
                throw .invalidValue(w.location, key: "waivers", expected: "a map such as {max-lifetime: 90d}",
                                    got: w.typeDescription)
            }
            for e in entries where !SuiteKeys.waivers.contains(e.key) {
                throw .unknownKey(e.keyLocation, key: e.key, context: "'waivers'", valid: SuiteKeys.waivers)
            }
            if let d = try duration(w["max-lifetime"], key: "waivers.max-lifetime") { suite.waiverMaxLifetime = d }
        }
        if let h = doc["history"], !h.isNull {
            guard let entries = h.mapping else {
                throw .invalidValue(h.location, key: "history", expected: "a map such as {retention: 500}",
                                    got: h.typeDescription)
            }
            for e in entries where !SuiteKeys.history.contains(e.key) {
                throw .unknownKey(e.keyLocation, key: e.key, context: "'history'", valid: SuiteKeys.history)
            }
            if let r = h["retention"] {
                suite.historyRetention = try r.int(key: "history.retention", range: 1...1_000_000, what: "a number of runs")
            }
        }
    }
}

import Foundation
import GateCore

/// `gate attest`: records a sign-off for a manual checklist item in `.gate/attestations.yaml`, with who,
/// when, the git commit of the item's root, the note and the evidence. The CLI only prints the outcome.
public enum Attest {
    public struct Outcome: Sendable {
        public var attestation: Attestation
        public var item: ManualItem
        public var suite: Suite
        /// The attestations file, absolute.
        public var file: String
        /// When the sign-off stops holding by age, if the item has `valid-for`.
        public var validUntil: Date?
    }

    /// Finds the manual item `id`: in `suitePath` when given, else in the suites under `Suites/`.
    public static func locate(item id: String, suitePath: String?, rootOverride: String? = nil,
                              workingDirectory: String,
                              registry: VerifierRegistry = BuiltinVerifiers.registry) throws(ConfigError) -> (Suite, CheckSpec) {
        var candidates: [Suite]
        var broken: [(String, ConfigError)] = []
        // The same order as every command: the suite named, then gate.yaml, then the suites under Suites/.
        let suitePath = suitePath ?? SuiteDiscovery.rootNames.first {
            FileManager.default.fileExists(atPath: workingDirectory + "/" + $0)
        }
        if let suitePath {
            let loader = SuiteLoader(registry: registry, rootOverride: rootOverride, workingDirectory: workingDirectory)
            candidates = [try loader.load(suitePath)]
        } else {
            (candidates, broken) = SuiteDiscovery.suites(in: workingDirectory, registry: registry)
        }
        let matches = candidates.compactMap { s in s.check(id).map { (s, $0) } }
        guard let first = matches.first else {
            let manual = candidates.flatMap { $0.checks.filter { $0.manual != nil }.map(\.id) }
            // Sentences, each ending with its full stop (a path such as Suites/ must not run into the next one).
            var first = "no manual checklist item '\(id)'"
            first += suitePath.map { " in '\($0)'" } ?? " in the suites under Suites/"
            var sentences = [first]
            if let s = DidYouMean.suggest(id, among: manual) { sentences[0] += "; did you mean '\(s)'?" }
            if !manual.isEmpty { sentences.append("Manual items: \(Array(Set(manual)).sorted().joined(separator: ", "))") }
            if !broken.isEmpty { sentences.append("Not searched, because they do not load: \(broken.map(\.0).joined(separator: ", "))") }
            if suitePath == nil { sentences.append("Name the suite with --suite FILE") }
            throw .usage(sentences.map { $0.hasSuffix("?") ? $0 : $0 + "." }.joined(separator: " "))
        }
        guard first.1.manual != nil else {
            throw .usage("'\(id)' in suite '\(first.0.name)' is an automated check; only manual checklist items "
                         + "(declared with 'manual:') are signed off with 'gate attest'")
        }
        let roots = Set(matches.filter { $0.1.manual != nil }.map { $0.0.root })
        if roots.count > 1 {
            throw .usage("manual item '\(id)' is defined by several suites with different roots ("
                         + matches.map { $0.0.file ?? $0.0.name }.joined(separator: ", ") + "); choose one with --suite FILE")
        }
        return first
    }

    /// Validates the request and appends the sign-off. `stateDirectory` overrides `.gate` under the root.
    public static func record(item id: String, by: String, note: String, evidence: String?, suitePath: String?,
                              rootOverride: String? = nil, stateDirectory: String? = nil,
                              workingDirectory: String = PathUtil.currentDirectory,
                              now: Date = Date()) async throws -> Outcome {
        let (suite, check) = try locate(item: id, suitePath: suitePath, rootOverride: rootOverride,
                                        workingDirectory: workingDirectory)
        let item = check.manual!
        let who = by.trimmingCharacters(in: .whitespacesAndNewlines)
        let why = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !who.isEmpty else { throw ConfigError.usage("--by must name who signs off, for example --by alice") }
        guard !why.isEmpty else {
            throw ConfigError.usage("--note must say what was done, for example --note 'rehearsed on staging'")
        }
        let proof = evidence?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let wanted = item.evidence, proof?.isEmpty ?? true {
            throw ConfigError.usage("'\(id)' asks for evidence (\(wanted)); pass --evidence URL")
        }
        let state = SuiteDiscovery.stateDirectory(for: suite, override: stateDirectory, workingDirectory: workingDirectory)
        let file = state + "/" + AttestationFile.fileName
        let git = await GitState.probe(suite.root)
        let attestation = Attestation(item: id, by: who, at: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
                                      commit: git.head, note: why, evidence: proof?.isEmpty == false ? proof : nil,
                                      suite: suite.name, redactor: Redactor(environment: ProcessInfo.processInfo.environment))
        do {
            _ = try AttestationFile.append(attestation, to: file)
            StateDirectoryIgnore.ensure(in: state)
        } catch let e as ConfigError {
            throw e
        } catch {
            throw ConfigError.usage("cannot record the sign-off in '\(PathUtil.display(file))': \(error)")
        }
        return Outcome(attestation: attestation, item: item, suite: suite, file: file,
                       validUntil: item.validFor.map { attestation.at.addingTimeInterval($0.timeInterval) })
    }
}

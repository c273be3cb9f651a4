import Foundation
import GateCore
import GateDatabase

/// One verification of a ledger, from its configuration to findings: reads the checkpoint, proofs and
/// restored copies, runs the pass (resumed from the checkpoint when it can be), and holds the outcome to
/// each of them.
struct LedgerRun {
    let config: LedgerConfig
    let root: String
    let settings: CheckSettings
    let source: any LedgerSource
    let progress: @Sendable (String) -> Void

    /// `merkle`: build the Merkle tree even when no root or proof asks for it (checkpoints and roots need it).
    init(config: LedgerConfig, root: String, environment: [String: String] = [:], merkle: Bool = false,
         progress: @escaping @Sendable (String) -> Void = { _ in }) throws(VerifierError) {
        self.config = config
        self.root = root
        self.progress = progress
        var settings = CheckSettings(config)
        if merkle { settings.wantsLeaves = true }
        self.settings = settings
        source = try Self.makeSource(config, root: root, environment: environment)
    }

    static func makeSource(_ config: LedgerConfig, root: String, environment: [String: String]) throws(VerifierError) -> any LedgerSource {
        if let database = config.database, let table = config.table {
            return TableSource(location: database, table: table, orderBy: config.orderBy, jsonColumn: config.jsonColumn,
                               fields: config.fields, text: config.hashing.text, root: root, environment: environment,
                               timeout: config.statementTimeout)
        }
        return try JSONLinesSource(patterns: config.sources, root: root)
    }

    /// Everything one run found, before it becomes findings.
    struct Result {
        var outcome: ScanOutcome
        var findings: [Finding] = []
        var notes: [String] = []
        /// True when the pass resumed from the checkpoint.
        var resumed = false
        var checkpoint: LedgerCheckpoint?
        var merkle: MerkleInputs
    }

    func verify() throws -> Result {
        let merkle = try MerkleInputs(config, root: root)
        var checkpoint: LedgerCheckpoint?
        if let path = config.checkpoint {
            checkpoint = try LedgerCheckpoint.load(path, display: PathUtil.relative(path, to: root))
            if let c = checkpoint { try checkSettings(c, display: PathUtil.relative(path, to: root)) }
        }
        var compared: [RestoredCopy] = []
        for path in config.compare {
            compared.append(try RestoredCopy.scan(path, root: root, config: config, settings: settings))
        }
        var scan = LedgerScan(settings: settings, threads: config.threads, source: source, progress: progress)
        scan.captures = Set(compared.map(\.outcome.records).filter { $0 > 0 })
        if let c = checkpoint { scan.captures.insert(c.records) }
        scan.rootSizes = merkle.rootSizes
        scan.leafIndices = merkle.leafIndices

        var notes: [String] = []
        var resumed = false
        var outcome: ScanOutcome
        if let c = checkpoint, !config.full, let resume = resumeState(c, scan: scan, notes: &notes) {
            outcome = try scan.run(resume: resume)
            if let refused = outcome.resumeRefused {
                notes.append("\(refused) at the checkpoint's position, so every record was verified")
                outcome = try scan.run()
            } else {
                resumed = true
            }
        } else {
            outcome = try scan.run()
        }
        var result = Result(outcome: outcome, notes: notes, resumed: resumed, checkpoint: checkpoint, merkle: merkle)
        result.findings += breakFindings(outcome)
        result.findings += checkpointFindings(checkpoint, outcome: outcome, resumed: resumed)
        result.findings += merkleFindings(merkle, outcome: outcome)
        for copy in compared { result.findings += copy.findings(live: outcome, liveSource: source, config: config, settings: settings) }
        return result
    }

    /// A checkpoint written under other settings pins hashes this run cannot compare.
    private func checkSettings(_ c: LedgerCheckpoint, display: String) throws(VerifierError) {
        let now = LedgerCheckpoint.Settings(algorithm: config.hashing.algorithm.rawValue, canonical: config.hashing.canonical.rawValue,
                                            encoding: config.hashing.text.encoding.rawValue)
        guard c.settings == now else {
            throw VerifierError("the checkpoint '\(display)' was written with algorithm \(c.settings.algorithm), canonical "
                                + "\(c.settings.canonical), encoding \(c.settings.encoding), but the check now uses \(now.algorithm), "
                                + "\(now.canonical), \(now.encoding); restore the settings, or verify in full and write a new checkpoint")
        }
    }
}

import GateCore
@testable import VerifierLedger

/// The ledger's JSON Lines reader end to end (chunked line splitting, the one-pass parser, every check of a
/// record, the chain stage and the diagnosis of the first break), and the canonical writers on one value.
enum LedgerTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "ledger-jsonl", run: jsonLines),
        FuzzTarget(name: "ledger-canonical", run: canonical),
    ]

    /// A check with every per-record rule on: sequence, timestamps, prev pointers, ids, and the smallest
    /// 'max-record-bytes', so that overlong lines are met within libFuzzer's input sizes.
    static let verifier: LedgerVerifier = {
        do {
            let values = try AdHocSuite.parseSets([
                "source=ledger.jsonl", "sequence-field=seq", "timestamp-field=ts", "id-field=receipt_id", "prev-field=prev",
                "max-skew=1s", "max-record-bytes=1024", "threads=2",
            ])
            let p = Parameters(values: values, root: Scratch.directory, location: SourceLocation(file: "fuzz", line: 1, column: 1))
            return try LedgerVerifier(parameters: p)
        } catch {
            fatalError("the fuzz ledger check does not configure: \(error)")
        }
    }()

    /// The first byte picks a chunk size of 64 to 4,144 bytes, so lines cross chunk boundaries the way they
    /// do in a large file; the rest is the ledger. A full verify follows (diagnosis reads around the break).
    @Sendable static func jsonLines(_ b: UnsafeBufferPointer<UInt8>) {
        guard let first = b.first else { return }
        _ = Scratch.file("ledger.jsonl", UnsafeBufferPointer(rebasing: b[1...]))
        guard let run = try? LedgerRun(config: verifier.config, root: Scratch.directory) else { return }
        var scan = LedgerScan(settings: run.settings, threads: 2, source: run.source)
        scan.chunkBytes = 64 + Int(first) * 16
        _ = try? scan.run()
        _ = try? run.verify()
    }

    /// One JSON value (any root) through the parser and, when it parses, every canonical form and both
    /// ways of treating hash members.
    @Sendable static func canonical(_ b: UnsafeBufferPointer<UInt8>) {
        let parser = JSONLineParser(maxDepth: 64)
        do {
            try parser.parse(b, anyRoot: true)
        } catch {
            return
        }
        // 'bytes' cuts members out of a record's line; records are objects, and the reader refuses the rest.
        let forms = parser.nodes[0].kind == .object ? CanonicalForm.allCases : [.jcs, .sorted, .compact]
        for mode in HashFieldsMode.allCases {
            for form in forms {
                var writer = CanonicalWriter(parser: parser, line: b, excluded: [], mode: mode)
                var out: [UInt8] = []
                try? writer.write(form, into: &out)
            }
        }
    }
}

import Foundation
import GateCore

/// `gate explain ledger`'s examples; VerifierExamplesTests runs each through a suite. The receipts were
/// written by Fixtures/ledger/write_ledger.py's JCS and SHA-256 (an implementation independent of gate's).
enum LedgerExamples {
    static let receipts = [
        #"{"seq":1,"receipt":"r-1001","amount":"12.50","ts":"2026-03-01T09:00:00Z","hash":"6752239b60cf6dbccb2abd3c3357e61859282e7ea90f90f75033d0b126edeeeb","chain_hash":"7bbdd9a413b731c0f0ea76a3941b1050f81d3f07d84f8572ea29081436d1a64e"}"#,
        #"{"seq":2,"receipt":"r-1002","amount":"7.25","ts":"2026-03-01T09:05:00Z","hash":"10ffa63548e9d04c6788813548ef29319e23e2ea3d92e225ad9ff91bae8ef059","chain_hash":"40af8a017440f7c598e8b209518f88d25a9392a058bc1cb6cc3328b4410fa77d"}"#,
        #"{"seq":3,"receipt":"r-1003","amount":"30.00","ts":"2026-03-01T09:07:30Z","hash":"f12625de95f7b9b6ff42125738834fec7d0c669d37199f562f767d99b0047dfb","chain_hash":"4c67177b7aa49410be2c596064db99458775434623e346232aef5348bc9c425c"}"#,
    ]

    static let with = "source: receipts.jsonl\nsequence-field: seq\ntimestamp-field: ts\nid-field: receipt"

    static let all: [VerifierExample] = [
        VerifierExample(
            "An intact receipts ledger (RFC 8785, SHA-256, chained from zeros)", with: with,
            files: ["receipts.jsonl": receipts.joined(separator: "\n") + "\n"], expect: .passed),
        VerifierExample(
            "A receipt whose amount was edited after it was written", with: with,
            files: ["receipts.jsonl": [receipts[0], receipts[1].replacingOccurrences(of: "\"7.25\"", with: "\"72.50\""), receipts[2]]
                .joined(separator: "\n") + "\n"],
            expect: .failed, expectRules: ["ledger/record-hash"]),
        VerifierExample(
            "A receipt removed from the middle", with: with,
            files: ["receipts.jsonl": [receipts[0], receipts[2]].joined(separator: "\n") + "\n"],
            expect: .failed, expectRules: ["ledger/chain-break"]),
        VerifierExample(
            "Two receipts swapped", with: with,
            files: ["receipts.jsonl": [receipts[1], receipts[0], receipts[2]].joined(separator: "\n") + "\n"],
            expect: .failed, expectRules: ["ledger/chain-break"]),
    ]
}

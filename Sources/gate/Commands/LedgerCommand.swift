import ArgumentParser
import Foundation
import GateCore
import GateKit
import VerifierLedger

/// `gate ledger checkpoint|root`: a thin shell over VerifierLedger.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Pin a hash-chained ledger with a checkpoint, or print its Merkle root (docs/ledger.md).",
        subcommands: [LedgerCheckpointCommand.self, LedgerRootCommand.self])
}

/// Where a ledger subcommand takes the check's parameters from: `--set` values, or a suite's check.
struct LedgerCheckOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The directory the ledger's paths are relative to (the 'root' parameter).", valueName: "path"))
    var path: String?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("A parameter of the ledger check, as key=value (repeatable; 'gate explain ledger' lists them).",
                               valueName: "key=value"))
    var sets: [String] = []

    @Option(name: .long, help: ArgumentHelp("Take the parameters from this suite's check instead (with --check).", valueName: "file"))
    var suite: String?

    @Option(name: .long, help: ArgumentHelp("The id of the ledger check in --suite.", valueName: "id"))
    var check: String?

    func validate() throws {
        if suite != nil && check == nil { throw ValidationError("--suite needs --check ID: the ledger check to take the parameters from") }
        if check != nil && suite == nil { throw ValidationError("--check needs --suite FILE") }
        if suite != nil && (!sets.isEmpty || path != nil) {
            throw ValidationError("give either --suite and --check, or PATH and --set values, not both")
        }
    }

    /// The configured ledger check and its root.
    func load() throws -> (LedgerVerifier, String) {
        let cwd = PathUtil.currentDirectory
        let spec: CheckSpec
        if let suite, let check {
            let loaded = try SuiteLoader(registry: BuiltinVerifiers.registry, workingDirectory: cwd).load(suite)
            guard let found = loaded.check(check) else {
                throw ConfigError.usage("the suite '\(suite)' has no check '\(check)'; its checks: "
                                        + loaded.checks.map(\.id).joined(separator: ", "))
            }
            spec = found
        } else {
            let made = try AdHocSuite.make(registry: BuiltinVerifiers.registry, verifierID: "ledger", root: path, sets: sets,
                                           timeout: nil, workingDirectory: cwd)
            spec = made.checks[0]
        }
        guard let verifier = spec.verifier as? LedgerVerifier else {
            throw ConfigError.usage("the check '\(spec.id)' uses the '\(spec.verifierID)' verifier, not 'ledger'")
        }
        return (verifier, spec.root)
    }
}

struct LedgerCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Verify a ledger and pin its last record in the checkpoint file.",
        discussion: """
            Verifies the ledger exactly as 'gate check ledger' does (from the existing checkpoint, when there is one),
            and only when every check passes writes the checkpoint: the last record's place, sequence number, record
            and chain hashes, and the Merkle tree's compact range. Later checks then read only the records appended
            after it, and fail if the pinned record changed or the ledger was cut below it.

            Examples:
              gate ledger checkpoint --set source=receipts.jsonl --set checkpoint=ledger.checkpoint
              gate ledger checkpoint --suite Suites/pre-deploy.yaml --check receipts-ledger
            """)

    @OptionGroup var options: LedgerCheckOptions

    @Option(name: .long, help: ArgumentHelp("Write the checkpoint here instead of the check's 'checkpoint'.", valueName: "file"))
    var output: String?

    func run() throws {
        let (verifier, root) = try options.load()
        let result: LedgerCheckpointResult
        do {
            result = try verifier.writeCheckpoint(root: root, output: output)
        } catch let error as VerifierError {
            Terminal.writeError("error: \(VisibleText.line(error.message))\n")
            throw ExitCode(GateExit.internalError)
        }
        if result.written {
            Terminal.write(VisibleText.line(result.summary) + "\n")
            return
        }
        Terminal.writeError("not pinned: \(VisibleText.line(result.summary))\n")
        for f in result.findings {
            let place = [f.path, f.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
            Terminal.writeError("  \(f.rule) \(VisibleText.line(place)): \(VisibleText.line(f.message))\n")
        }
        if result.findings.isEmpty { return }
        Terminal.writeError("Fix the ledger (or find out what happened to it) before pinning it.\n")
        throw ExitCode(GateExit.failed)
    }
}

struct LedgerRootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "root",
        abstract: "Verify a ledger and print its RFC 6962 Merkle root, to publish or to compare with a copy.",
        discussion: """
            Prints {"root_hash": ..., "tree_size": ...}, the file that a ledger check's 'merkle-root' reads. Publish it
            (or store it with the backup), and check the copy elsewhere against it without shipping the records.

            Example:
              gate ledger root --set source=receipts.jsonl > receipts.root.json
            """)

    @OptionGroup var options: LedgerCheckOptions

    func run() throws {
        let (verifier, root) = try options.load()
        let (published, errors): (LedgerRoot, [Finding])
        do {
            (published, errors) = try verifier.merkleRoot(root: root)
        } catch let error as VerifierError {
            Terminal.writeError("error: \(VisibleText.line(error.message))\n")
            throw ExitCode(GateExit.internalError)
        }
        guard errors.isEmpty else {
            Terminal.writeError("no root printed: \(VisibleText.line(published.summary))\n")
            for f in errors { Terminal.writeError("  \(f.rule): \(VisibleText.line(f.message))\n") }
            throw ExitCode(GateExit.failed)
        }
        Terminal.write(published.json)
    }
}

import ArgumentParser
import Foundation
import GateCore
import GateKit

struct AttestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Sign off a manual checklist item.",
        discussion: """
            Records who signed off, when, the git commit of the item's root, the note and the evidence in
            .gate/attestations.yaml under the suite's root: a text file to commit and review. The item is then
            ticked until the sign-off is older than its 'valid-for', or (with 'bind-to: commit', the default)
            until files under its root change in a later commit.

            Without --suite, the item is looked up in gate.yaml when there is one, else in the suites under Suites/.

            Examples:
              gate attest rollback-ready --by alice --note 'rehearsed on staging' --evidence https://wiki/runbook/42
              gate attest staging-migration --suite Suites/launch.yaml --by bob --note 'ran 0042 on staging'
            """)

    @Argument(help: ArgumentHelp("The manual item's id.", valueName: "item"))
    var item: String

    @Option(name: .long, help: ArgumentHelp("Who signs off.", valueName: "name"))
    var by: String

    @Option(name: .long, help: ArgumentHelp("What was done or checked.", valueName: "text"))
    var note: String

    @Option(name: .long, help: ArgumentHelp("A link to the evidence (required when the item asks for evidence).", valueName: "url"))
    var evidence: String?

    @Option(name: .long, help: ArgumentHelp("The suite that defines the item (default: gate.yaml, else search Suites/).", valueName: "file"))
    var suite: String?

    @Option(name: .long, help: ArgumentHelp("The suite's root (overrides its 'root').", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("gate's state directory (default: .gate under the suite's root).", valueName: "dir"))
    var stateDir: String?

    func run() async throws {
        let o = try await Attest.record(item: item, by: by, note: note, evidence: evidence, suitePath: suite,
                                        rootOverride: root, stateDirectory: stateDir)
        var line = "attested '\(item)' (\(o.item.title)) by \(o.attestation.by)"
        line += o.attestation.shortCommit.map { " at commit \($0)" } ?? " (not in a git repository)"
        line += "\n  recorded in \(PathUtil.display(o.file)); commit that file so the sign-off is reviewed and kept\n"
        if let until = o.validUntil { line += "  valid until \(DateText.minute(of: until))" } else { line += "  no age limit" }
        if o.item.bindTo == .commit, o.attestation.commit != nil {
            line += ", and while nothing under the suite's root changes in a later commit"
        }
        // The title, the name and the file are the suite's and the user's words: shown, not obeyed.
        Terminal.write(VisibleText.lines(line) + "\n")
        let pasted = [("--note", note, o.attestation.note), ("--evidence", evidence ?? "", o.attestation.evidence ?? "")]
            .filter { $0.1.trimmingCharacters(in: .whitespacesAndNewlines) != $0.2 }.map(\.0)
        if !pasted.isEmpty {
            Terminal.writeError("warning: \(pasted.joined(separator: " and ")) held what looks like a credential; it was "
                                + "recorded redacted. If it was a real one, rotate it.\n")
        }
    }
}

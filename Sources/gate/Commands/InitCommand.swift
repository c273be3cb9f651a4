import ArgumentParser
import Foundation
import GateCore
import GateKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Look at this project and write a first suite (gate.yaml) for it, with a comment on every check.",
        discussion: """
            Looks for a git repository, Python packages and other languages, a test runner (pytest, npm, go,
            cargo, swift), migration folders and their tool (sqlx, Flyway, Prisma, Atlas, golang-migrate), a
            content store (an OCI layout, a SHA256SUMS file), and import rules (.importlinter, tach.toml). It
            writes gate.yaml and .gate/.gitignore (history and caches stay out of git; waivers and sign-offs
            are committed). Nothing is run. Then 'gate run' runs the suite it wrote.

            Examples:
              gate init
              gate init --print                 show the suite without writing it
              gate init --force --name api      overwrite gate.yaml, naming the suite 'api'
            """)

    @Option(name: .long, help: ArgumentHelp("The suite's name (default: the directory's name).", valueName: "name"))
    var name: String?

    @Flag(name: .long, help: "Print the suite instead of writing gate.yaml.")
    var print = false

    @Flag(name: .long, help: "Overwrite an existing gate.yaml.")
    var force = false

    func run() throws {
        let cwd = PathUtil.currentDirectory
        let project = ProjectInit(root: cwd, name: name)
        if print {
            Terminal.write(project.suite)
            return
        }
        let path = cwd + "/gate.yaml"
        if FileManager.default.fileExists(atPath: path) && !force {
            throw ConfigError.usage("gate.yaml already exists; run 'gate init --print' to see what gate would write, "
                                    + "or 'gate init --force' to replace it")
        }
        do {
            try AtomicFile.write(project.suite, to: path)
            try FileManager.default.createDirectory(atPath: cwd + "/.gate", withIntermediateDirectories: true)
        } catch {
            throw ConfigError.usage("cannot write gate.yaml: \(error)")
        }
        StateDirectoryIgnore.ensure(in: cwd + "/.gate")
        var out = ""
        for f in project.found { out += "found: \(f.what) (\(f.detail))\n" }
        if project.found.isEmpty { out += "found nothing gate knows beyond files to scan for secrets\n" }
        out += "wrote gate.yaml (\(project.suite.components(separatedBy: "\n  - id: ").count - 1) checks) and .gate/.gitignore\n"
        out += "next: gate validate, then gate run (reports in Reports/); commit gate.yaml and .gate/.gitignore\n"
        Terminal.write(VisibleText.lines(out))
    }
}

import ArgumentParser
import Foundation
import GateCore
import GateKit
import VerifierCAS

/// `gate cas put FILE... --store DIR`: a thin shell over VerifierCAS's store writer.
struct CasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cas",
        abstract: "Work with gate's native content-addressed store (docs/cas-format.md).",
        subcommands: [CasPutCommand.self])
}

struct CasPutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Write files into a native store, atomically (temporary file, then rename).",
        discussion: """
            Prints '<xxh3-128>  <file>' for each file, like 'xxhsum -H2'. The store and its 'format' file are created
            when missing; objects already present are left alone. With --manifest NAME, also writes
            manifests/NAME.json listing the files' digests and sizes, so 'gate check cas' can verify the references.
            """)

    @Argument(help: ArgumentHelp("Files to add.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("The store directory.", valueName: "dir"))
    var store: String

    @Option(name: .long, help: ArgumentHelp("Also write manifests/NAME.json listing the files.", valueName: "name"))
    var manifest: String?

    func run() throws {
        let cwd = PathUtil.currentDirectory
        do {
            let added = try CASStorePut.put(files.map { PathUtil.resolve($0, against: cwd) },
                                            store: PathUtil.resolve(store, against: cwd), manifest: manifest)
            for (file, a) in zip(files, added) { Terminal.write("\(a.digest)  \(VisibleText.line(file))\n") }
        } catch {
            Terminal.writeError("error: \(VisibleText.line(error.message))\n")
            throw ExitCode(GateExit.usage)
        }
    }
}

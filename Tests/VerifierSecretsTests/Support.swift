import Foundation
import GateCore
import GateTestSupport
@testable import VerifierSecrets

/// Scans `text` with the full engine (prefilter, windows, checks) as if it were a file at `path`.
func scan(_ text: String, engine: SecretEngine = .builtin, path: String = "example.txt") -> [SecretHit] {
    let bytes = Array(text.utf8)
    let lines = bytes.filter { $0 == 10 }.count + 1
    return FileScanner(engine: engine).scanText(bytes, path: path, lineNumbers: Array(1...lines), commit: nil)
}

/// `text` scanned as one buffer and as a file read in 4 KiB pieces that overlap by 512 bytes.
func scanWholeAndChunked(_ text: String) throws -> (whole: [SecretHit], chunked: [SecretHit]) {
    let dir = try TempDir("secrets-chunks")
    defer { dir.remove() }
    try dir.write(["big.txt": text])
    let whole = scan(text, path: "big.txt")
    let chunked = FileScanner(engine: .builtin, chunk: 4096, overlap: 512)
        .scanFile(absolute: dir.file("big.txt"), path: "big.txt", maxSize: 1 << 30)
    return (whole, chunked)
}

/// The ids (without the `secrets/` prefix) of the rules that fired.
func ruleIDs(_ hits: [SecretHit], engine: SecretEngine = .builtin) -> [String] {
    hits.map { engine.rules[$0.rule].spec.id }
}

/// A generated token of a rule's example shape, from a template of the ruleset's own language.
func token(_ template: String, seed: UInt64 = 7) -> String {
    (try? ExampleTemplate.expand(template, seed: seed)) ?? ""
}

/// A GitHub classic token with a valid checksum, built at test time.
func githubToken(seed: UInt64 = 7) -> String { token("ghp_{r:62:30}{crc:30}", seed: seed) }

/// Runs the verifier the way a suite does, on `root`.
func runSecrets(_ root: String, _ with: [String: String] = [:]) async throws -> CheckOutcome {
    let verifier = try makeVerifier(root, with)
    let context = CheckContext(checkID: "secrets", suiteName: "test", root: root, cwd: root,
                               environment: ProcessInfo.processInfo.environment, timeout: nil,
                               artifactsDirectory: root + "/.artifacts", stateDirectory: root + "/.gate")
    return try await verifier.run(context)
}

/// Builds the verifier from `with:` values written as YAML scalars or flow lists.
func makeVerifier(_ root: String, _ with: [String: String]) throws(ConfigError) -> SecretsVerifier {
    let loc = SourceLocation(file: "test.yaml", line: 1, column: 1)
    var values: [String: ConfigValue] = [:]
    for (k, v) in with {
        if v.hasPrefix("[") {
            let items = v.dropFirst().dropLast().split(separator: ",").map {
                ConfigValue.scalar($0.trimmingCharacters(in: .whitespaces), at: loc)
            }
            values[k] = ConfigValue(.sequence(items), at: loc)
        } else {
            values[k] = ConfigValue(.scalar(v, quoted: !["true", "false"].contains(v) && Int(v) == nil), at: loc)
        }
    }
    return try SecretsVerifier(parameters: Parameters(values: values, root: root, location: loc))
}

extension TempDir {
    /// Writes raw bytes.
    func writeBytes(_ rel: String, _ bytes: [UInt8]) throws {
        let full = path + "/" + rel
        try FileManager.default.createDirectory(atPath: PathUtil.dirname(full), withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }
}

import GateCore
@testable import VerifierSecrets

/// The secrets engine on arbitrary bytes (the default rules, as a scan uses them), the unified-diff
/// parser that git history scans feed, and the ruleset file reader.
enum SecretsTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "secrets-engine", run: engine),
        FuzzTarget(name: "secrets-diff", run: diff),
        FuzzTarget(name: "secrets-ruleset", run: ruleset),
    ]

    nonisolated(unsafe) static let scanner: BufferScanner = {
        do {
            return BufferScanner(engine: try SecretEngine(try Ruleset.load(config: nil, display: nil, disable: [])))
        } catch {
            fatalError("the default secrets rules do not load: \(error)")
        }
    }()

    @Sendable static func engine(_ b: UnsafeBufferPointer<UInt8>) {
        guard scanner.begin(path: "config/app.env") else { return }
        // Report only the middle of the buffer, as the file scanner does with its overlapping windows.
        _ = scanner.scan(b, report: (b.count / 4)..<b.count, path: "config/app.env", commit: nil)
    }

    @Sendable static func diff(_ b: UnsafeBufferPointer<UInt8>) {
        var parser = DiffParser(include: [], exclude: [])
        let bytes = Array(b)
        let half = bytes.count / 2
        parser.feed(Array(bytes[..<half])) { _ in }
        parser.feed(Array(bytes[half...])) { _ in }
        parser.finish { _ in }
    }

    @Sendable static func ruleset(_ b: UnsafeBufferPointer<UInt8>) {
        _ = try? RulesetFile(text: String(decoding: b, as: UTF8.self), file: "gitleaks.toml", allowHexByDefault: false)
    }
}

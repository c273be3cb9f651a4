import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// Runs the cas verifier in-process on a directory, the way the scheduler does.
enum CASHarness {
    /// `with` values are YAML-ish scalars; arrays become lists.
    static func run(_ root: String, _ with: [String: Any] = [:], state: String? = nil) async throws -> CheckOutcome {
        let verifier = try make(root, with)
        let context = CheckContext(checkID: "cas", suiteName: "test", root: root, cwd: root,
                                   environment: ProcessInfo.processInfo.environment, timeout: nil,
                                   artifactsDirectory: root + "/.gate/artifacts", stateDirectory: state ?? root + "/.gate")
        return try await verifier.run(context)
    }

    static func make(_ root: String, _ with: [String: Any]) throws(ConfigError) -> CASVerifier {
        let loc = SourceLocation(file: "test", line: 1, column: 1)
        var values: [String: ConfigValue] = [:]
        for (k, v) in with {
            if let list = v as? [String] {
                values[k] = ConfigValue(.sequence(list.map { .scalar($0, quoted: true, at: loc) }), at: loc)
            } else {
                values[k] = .scalar("\(v)", quoted: false, at: loc)
            }
        }
        return try CASVerifier(parameters: Parameters(values: values, root: root, location: loc))
    }

    static func rules(_ o: CheckOutcome) -> [String] { o.findings.map(\.rule).sorted() }

    static func errors(_ o: CheckOutcome) -> [Finding] { o.findings.filter { $0.severity == .error } }

    /// Writes `content` as a native object and returns its path relative to the store.
    @discardableResult
    static func putNative(_ dir: TempDir, _ content: String) throws -> String {
        let hex = ContentHash.hash(content, .xxh3_128).hex
        let rel = "objects/\(hex.prefix(2))/\(hex.dropFirst(2))"
        try dir.write([rel: content])
        return rel
    }

    static func hex(_ content: String, _ a: HashAlgorithm) -> String { ContentHash.hash(content, a).hex }

    static func overwrite(_ path: String, at offset: Int, with byte: UInt8) throws {
        let h = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try h.seek(toOffset: UInt64(offset))
        try h.write(contentsOf: Data([byte]))
        try h.close()
    }

    static func stat(_ o: CheckOutcome, _ key: String) -> Int? {
        if case .int(let i)? = o.stats[key] { return i }
        return nil
    }
}

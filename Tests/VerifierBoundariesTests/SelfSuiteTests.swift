import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierBoundaries

/// The `architecture` check of Suites/self.yaml, run on a small package that breaks each of its rules,
/// so the self-check is known to fail when gate's own boundaries are crossed.
@Suite struct SelfSuiteTests {
    static func architectureBlock() throws -> ConfigValue {
        let suite = try #require(try YAMLLoader.load(path: Repo.path("Suites/self.yaml")))
        let check = try #require(suite["checks"]?.sequence?.first { $0["id"]?.string == "architecture" })
        return try #require(check["with"])
    }

    static let manifest = """
        // swift-tools-version: 6.0
        import PackageDescription
        let package = Package(name: "mini", targets: [
            .target(name: "GateCore"),
            .target(name: "VerifierAlpha", dependencies: ["GateCore"], path: "Sources/Verifiers/Alpha"),
            .target(name: "VerifierBeta", dependencies: ["GateCore"], path: "Sources/Verifiers/Beta"),
            .executableTarget(name: "gate", dependencies: ["GateCore"]),
        ])
        """

    func run(_ files: [String: String]) async throws -> CheckOutcome {
        let dir = try TempDir("self-suite")
        defer { dir.remove() }
        try dir.write(files)
        let params = try Parameters(mapping: try Self.architectureBlock(), root: dir.path,
                                    location: SourceLocation(file: "Suites/self.yaml", line: 1, column: 1))
        let verifier = try Harness.registry.make(BoundariesVerifier.self, parameters: params)
        return try await verifier.run(Harness.context(dir.path))
    }

    @Test func cleanLayoutPasses() async throws {
        let outcome = try await run([
            "Package.swift": Self.manifest,
            "Sources/GateCore/Core.swift": "import Foundation\n",
            "Sources/Verifiers/Alpha/Alpha.swift": "import GateCore\n",
            "Sources/Verifiers/Beta/Beta.swift": "import GateCore\n",
            "Sources/gate/main.swift": "import ArgumentParser\nimport GateCore\n",
        ])
        #expect(outcome.errors.isEmpty)
    }

    @Test func everyRuleCatchesItsViolation() async throws {
        let outcome = try await run([
            "Package.swift": Self.manifest,
            "Sources/GateCore/Core.swift": "import ArgumentParser\nimport VerifierAlpha\n",
            "Sources/Verifiers/Alpha/Alpha.swift": "import GateCore\nimport VerifierBeta\n",
            "Sources/Verifiers/Beta/Beta.swift": "import GateCore\nimport ArgumentParser\n",
            "Sources/gate/main.swift": "import ArgumentParser\n",
        ])
        #expect(outcome.errors == [
            "forbidden Sources/GateCore/Core.swift:1",
            "forbidden Sources/GateCore/Core.swift:2",
            "only Sources/GateCore/Core.swift:1",
            "independence Sources/Verifiers/Alpha/Alpha.swift:2",
            "only Sources/Verifiers/Beta/Beta.swift:2",
        ].sorted { a, b in
            let pa = a.split(separator: " ")[1], pb = b.split(separator: " ")[1]
            return pa != pb ? pa < pb : a < b
        })
    }
}

import GateCore
import Testing
@testable import VerifierBoundaries

/// Swift on Fixtures/boundaries/swift-package: SwiftPM targets (one with a custom path), `@testable`,
/// `@_exported` re-exports and undeclared dependencies.
@Suite struct SwiftFixtureTests {
    @Test func undeclaredDependencies() async throws {
        let outcome = try await Harness.fixture("swift-package", "languages: [swift]\n")
        #expect(outcome.errors == [
            "undeclared-dependency Sources/app/main.swift:3",
            "undeclared-dependency Sources/app/main.swift:4",
            "undeclared-dependency Tests/StoreTests/StoreTests.swift:2",
        ])
        let core = try #require(outcome.findings.first { $0.evidence?["module"] == "Core" && $0.evidence?["target"] == "app" })
        #expect(core.message.contains("target 'app' imports target 'Core'"))
        #expect(core.message.contains("Package.swift:15"))
        #expect(outcome.summary.contains("read as text"))
    }

    @Test func customTargetPathsAreModules() async throws {
        let rules = """
            languages: [swift]
            undeclared-dependencies: false
            rules:
              - name: stack
                layers: [app, Facade, Store, Core]
              - name: persistence-by-path
                forbidden: {from: "Sources/Persistence", to: [Facade, app]}
              - name: tests-only-through-store
                only: {to: Store, from: [Facade, app, StoreTests]}
            """
        let outcome = try await Harness.fixture("swift-package", rules)
        #expect(outcome.errors.isEmpty)
        let upward = try await Harness.fixture("swift-package", "languages: [swift]\nundeclared-dependencies: false\nrules:\n  - layers: [Core, app]\n")
        #expect(upward.errors == ["layers Sources/app/main.swift:3"])
    }

    @Test func dumpPackageReadsTheSameTargets() async throws {
        // SwiftPM compiles the manifest: slower, but exact for computed manifests.
        let outcome = try await Harness.fixture("swift-package", "languages: [swift]\nswift-manifest: dump-package\n")
        #expect(outcome.errors.count == 3)
        #expect(outcome.summary.contains("swift package dump-package"))
    }
}

import GateCore
import Testing
@testable import VerifierBoundaries

/// TypeScript, Go, Rust, Java/Kotlin and C fixtures under Fixtures/boundaries.
@Suite struct OtherLanguageFixtureTests {
    @Test func typescriptAliasesIndexFilesAndTypeOnlyImports() async throws {
        let rules = "rules:\n  - name: ui-features-core\n    layers: [src/ui, src/features, src/core]\n"
        let outcome = try await Harness.fixture("ts-app", rules)
        #expect(outcome.errors == ["layers src/core/format.ts:2"])
        let typeOnly = try await Harness.fixture("ts-app", rules + "ignore-type-checking: true\n")
        #expect(typeOnly.errors.isEmpty)
        let legacy = try await Harness.fixture("ts-app", "rules:\n  - forbidden: {from: src/legacy, to: src/features}\n    mode: transitive\n")
        #expect(legacy.errors == ["forbidden src/legacy/old.js:1"])
        #expect(legacy.findings.first?.evidence?["chain"] == "src/legacy/old.js (src/legacy/old.js:1) -> src/ui/index.ts (src/ui/index.ts:1) -> src/features/cart/cart.ts")
        let external = try await Harness.fixture("ts-app", "rules:\n  - only: {to: [react, lodash], from: [src/features]}\n")
        #expect(external.errors == ["only src/legacy/old.js:2"])
    }

    @Test func goPackagesFromGoMod() async throws {
        let rules = "rules:\n  - layers: [example.com/shop/cmd, example.com/shop/internal/api, example.com/shop/internal/db]\n"
        let outcome = try await Harness.fixture("go-service", rules)
        #expect(outcome.errors == ["layers internal/db/db.go:5"])
        let byPath = try await Harness.fixture("go-service", "rules:\n  - forbidden: {from: internal/db, to: internal/api}\n")
        #expect(byPath.errors == ["forbidden internal/db/db.go:5"])
        let cycle = try await Harness.fixture("go-service", "rules:\n  - acyclic: [\"example.com/shop/internal/*\"]\n")
        #expect(cycle.errors.count == 1)
        #expect(cycle.messages("boundaries/acyclic").first?.contains("'example.com/shop/internal/api' -> 'example.com/shop/internal/db' -> 'example.com/shop/internal/api'") == true)
    }

    @Test func rustCratePathsUseAndSuper() async throws {
        let rules = "rules:\n  - layers: [shop_core::api, shop_core::domain, shop_core::db]\n"
        let outcome = try await Harness.fixture("rust-crate", rules)
        #expect(outcome.errors == ["layers src/db/mod.rs:3", "layers src/db/pool.rs:1"])
        let external = try await Harness.fixture("rust-crate", "rules:\n  - only: {to: serde, from: [shop_core::domain]}\n")
        #expect(external.errors.isEmpty)
    }

    @Test func javaAndKotlinPackages() async throws {
        let rules = "rules:\n  - layers: [com.acme.jobs, com.acme.web, com.acme.core]\n"
        let outcome = try await Harness.fixture("java-app", rules)
        #expect(outcome.errors == ["layers src/main/java/com/acme/core/Money.java:4"])
        let spring = try await Harness.fixture("java-app", "rules:\n  - only: {to: org.springframework, from: [com.acme.web]}\n  - forbidden: {from: com.acme.jobs, to: com.acme.web}\n")
        #expect(spring.errors == ["forbidden src/main/kotlin/com/acme/jobs/Nightly.kt:4"])
    }

    @Test func cIncludesResolveAgainstIncludeDirectories() async throws {
        let outcome = try await Harness.fixture("c-lib", "rules:\n  - forbidden: {from: src, to: include/shop/api.h}\n")
        #expect(outcome.errors == ["forbidden src/core.c:3"])
        let explicit = try await Harness.fixture("c-lib", "include-dirs: [include]\nrules:\n  - forbidden: {from: src/util, to: [src/core.c]}\n")
        #expect(explicit.errors.isEmpty)
    }
}

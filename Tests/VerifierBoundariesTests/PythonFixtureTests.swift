import GateCore
import GateTestSupport
import Testing
@testable import VerifierBoundaries

/// Python on Fixtures/boundaries/python-shop: src layout, a namespace package, relative imports, a
/// lazy import, a TYPE_CHECKING import and a docstring that mentions an import.
@Suite struct PythonFixtureTests {
    static let layers = "rules:\n  - name: layered\n    layers: [shop.api, shop.domain, shop.infra]\n"

    @Test func directLayersReportEachImportWithItsLine() async throws {
        let outcome = try await Harness.fixture("python-shop", Self.layers)
        #expect(outcome.errors == [
            "layers src/shop/domain/models.py:10",
            "layers src/shop/domain/models.py:18",
            "layers src/shop/infra/db.py:5",
        ])
        let message = try #require(outcome.messages("boundaries/layers").first)
        #expect(message.contains("'shop.domain.models' imports 'shop.api.views'"))
        #expect(message.contains("rule 'layered'"))
    }

    @Test func typeCheckingImportsCanBeIgnored() async throws {
        let outcome = try await Harness.fixture("python-shop", Self.layers + "ignore-type-checking: true\n")
        #expect(outcome.errors == ["layers src/shop/domain/models.py:18", "layers src/shop/infra/db.py:5"])
    }

    @Test func transitiveModeShowsTheChainWithEveryHop() async throws {
        let rules = "rules:\n  - forbidden: {from: tests, to: shop.infra}\n    mode: transitive\n"
        let outcome = try await Harness.fixture("python-shop", rules)
        let chains = outcome.findings.compactMap { $0.evidence?["chain"] }
        #expect(chains.contains("tests.test_shop (tests/test_shop.py:1) -> shop.api.views (src/shop/api/views.py:4) -> shop.infra.db"))
        #expect(outcome.errors.allSatisfy { $0.hasPrefix("forbidden tests/test_shop.py:") })
        // Direct mode sees no import from tests into infra at all.
        let direct = try await Harness.fixture("python-shop", "rules:\n  - forbidden: {from: tests, to: shop.infra}\n")
        #expect(direct.errors.isEmpty)
    }

    @Test func namespacePackagesAndRelativeImportsResolve() async throws {
        let dir = try TempDir("graph")
        defer { dir.remove() }
        let out = dir.file("graph.json")
        _ = try await Harness.fixture("python-shop", "graph-output: \(out)\n")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains("\"importer\" : \"shop.api.views\""))
        #expect(text.contains("\"src/shop/api/views.py:3\""))  // `from ..domain.pricing import price`
        #expect(text.contains("\"name\" : \"tests.test_shop\""))  // tests/ has no __init__.py
        #expect(!text.contains("\"src/shop/domain/models.py:3\""))  // the docstring
    }

    @Test func acyclicReportsTheCyclePath() async throws {
        let outcome = try await Harness.fixture("python-shop", "rules:\n  - name: no-cycles\n    acyclic: [shop.*]\n")
        let message = try #require(outcome.messages("boundaries/acyclic").first)
        #expect(message.contains("import cycle"))
        #expect(message.contains("'shop.domain' -> 'shop.infra' -> 'shop.domain'") || message.contains("'shop.api' -> 'shop.domain' -> 'shop.api'"))
        #expect(outcome.findings.filter { $0.rule == "boundaries/acyclic" }.count == 1)
    }

    @Test func onlyRuleAndIgnoreImports() async throws {
        let rules = """
            rules:
              - only: {to: shop.infra, from: [shop.domain]}
                ignore-imports: ["shop.api.views -> shop.infra.db", "shop.nothing -> shop.infra.db"]
            """
        let outcome = try await Harness.fixture("python-shop", rules)
        #expect(outcome.errors.isEmpty)
        let unmatched = outcome.findings.filter { $0.rule == "boundaries/unmatched-ignore" }
        #expect(unmatched.count == 1 && unmatched[0].severity == .warning)
        #expect(unmatched[0].message.contains("'shop.nothing -> shop.infra.db'"))
        let strict = try await Harness.fixture("python-shop", "rules:\n  - only: {to: shop.infra, from: [shop.domain]}\n")
        #expect(strict.errors == ["only src/shop/api/views.py:4"])
    }

    @Test func sharedIgnoresApplyToEveryRuleAndAreReportedOnce() async throws {
        let rules = """
            ignore-imports: ["shop.domain.models -> shop.api.views", "shop.infra.db -> shop.domain.models", "a.b -> c.d"]
            rules:
              - layers: [shop.api, shop.domain, shop.infra]
              - forbidden: {from: shop.infra, to: shop.domain}
            """
        let outcome = try await Harness.fixture("python-shop", rules)
        #expect(outcome.errors.isEmpty)
        #expect(outcome.findings.filter { $0.rule == "boundaries/unmatched-ignore" }.map(\.message)
            == ["the ignored import 'a.b -> c.d' (in 'ignore-imports' for every rule) matches no import."])
    }

    @Test func containersAndExhaustiveLayers() async throws {
        let rules = "rules:\n  - layers: [api, domain]\n    containers: [shop]\n    exhaustive: true\n"
        let outcome = try await Harness.fixture("python-shop", rules)
        #expect(outcome.errors == ["layers -:-", "layers src/shop/domain/models.py:10", "layers src/shop/domain/models.py:18"])
        #expect(outcome.messages("boundaries/layers").first?.contains("'shop.infra' is not listed as a layer") == true)
        let ignored = try await Harness.fixture("python-shop", rules + "    exhaustive-ignores: [infra]\n")
        #expect(ignored.errors.count == 2)
    }

    @Test func outputIsDeterministic() async throws {
        let rules = """
            rules:
              - {layers: [shop.api, shop.domain, shop.infra], mode: transitive}
              - {acyclic: ["shop.*"], mode: transitive}
              - {forbidden: {from: tests, to: ["shop.*"]}, mode: transitive}
            """
        let first = try await Harness.fixture("python-shop", rules)
        for _ in 0..<3 {
            let again = try await Harness.fixture("python-shop", rules)
            #expect(again.findings == first.findings)
            #expect(again.summary == first.summary)
        }
    }
}

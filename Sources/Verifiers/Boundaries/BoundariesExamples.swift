import GateCore

/// The examples `gate explain boundaries` prints; GateKitTests runs each through the real pipeline.
enum BoundariesExamples {
    static let service: [String: String] = [
        "service/__init__.py": "",
        "service/app.py": "from service import invoices\nfrom service.config import load\n",
        "service/invoices.py": "from service.config import load\n",
        "service/config.py": "import json\n",
    ]

    static let all: [VerifierExample] = [
        VerifierExample(
            "Layers that hold",
            with: """
                rules:
                  - name: layered
                    layers: [service.app, service.invoices, service.config]
                """,
            files: service, expect: .passed),
        VerifierExample(
            "A lower layer importing a higher one",
            with: """
                rules:
                  - name: layered
                    layers: [service.app, service.invoices, service.config]
                """,
            files: service.merging(["service/config.py": "import json\n\ndef load():\n    from service.app import main  # lazy, still counts\n"]) { $1 },
            expect: .failed, expectRules: ["boundaries/layers"]),
        VerifierExample(
            "A forbidden import, found through a chain in transitive mode",
            with: """
                rules:
                  - name: service-does-not-use-tests
                    forbidden: {from: service, to: tests}
                    mode: transitive
                """,
            files: service.merging([
                "service/config.py": "from service import helpers\n",
                "service/helpers.py": "import tests.fakes\n",
                "tests/__init__.py": "", "tests/fakes.py": "",
            ]) { $1 },
            expect: .failed, expectRules: ["boundaries/forbidden"]),
        VerifierExample(
            "An import-linter configuration, run natively",
            with: "config: .importlinter",
            files: service.merging([
                ".importlinter": """
                    [importlinter]
                    root_package = service

                    [importlinter:contract:layers]
                    name = Service layers
                    type = layers
                    layers =
                        service.app
                        service.invoices
                        service.config
                    """,
            ]) { $1 },
            expect: .passed),
        VerifierExample(
            "A Swift target importing a module it does not declare",
            with: "languages: [swift]",
            files: [
                "Package.swift": """
                    // swift-tools-version: 6.0
                    import PackageDescription
                    let package = Package(name: "demo", targets: [
                        .target(name: "Core"),
                        .target(name: "Store", dependencies: ["Core"]),
                        .executableTarget(name: "demo", dependencies: ["Store"], path: "Sources/CLI"),
                    ])
                    """,
                "Sources/Core/Core.swift": "public struct Core {}\n",
                "Sources/Store/Store.swift": "import Core\n",
                "Sources/CLI/main.swift": "import Store\nimport Core\n",
            ],
            expect: .failed, expectRules: ["boundaries/undeclared-dependency"]),
    ]
}

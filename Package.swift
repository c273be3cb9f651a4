// swift-tools-version: 6.1
//
// gate: a verification and determinism harness.
// One module per concern (see docs/architecture.md). Each verifier lives in its own module under
// Sources/Verifiers/<Name>/ and depends on GateCore (and ContentHash where it hashes), never on another
// verifier and never on the CLI. The registry of built-in verifiers is GateKit/BuiltinVerifiers.swift.
import PackageDescription

// Swift 6 language mode (strict concurrency) applies to every target via swiftLanguageModes below.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

// `gate --version --verbose` names the commit and date of the build: `make build` and `make dist` export
// GATE_BUILD_COMMIT and GATE_BUILD_DATE, which become defines of the small C target CGateSupport only, so
// that a new commit recompiles one C file. A plain `swift build` says "unknown".
let buildInfo: [CSetting] = [("GATE_BUILD_COMMIT", "GATE_BUILD_COMMIT"), ("GATE_BUILD_DATE", "GATE_BUILD_DATE")]
    .compactMap { name, variable in
        guard let value = Context.environment[variable], !value.isEmpty,
              value.allSatisfy({ $0.isLetter || $0.isNumber || "-:.+TZ".contains($0) }) else { return nil }
        return .define(name, to: "\"\(value)\"")
    }

let package = Package(
    name: "gate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gate", targets: ["gate"]),
        // For the fuzzing package under Fuzz/ (built only by `make fuzz`); not needed to build or use gate.
        .library(name: "GateFuzzing", targets: [
            "ContentHash", "GateCore", "GateKit", "VerifierCommand", "VerifierBoundaries", "VerifierCAS", "VerifierMigrations",
            "VerifierSecrets", "VerifierLedger",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // MARK: System libraries and C support
        .systemLibrary(
            name: "CXXHash", path: "Sources/System/CXXHash", pkgConfig: "libxxhash",
            providers: [.apt(["libxxhash-dev"])]),
        .systemLibrary(
            name: "CPCRE2", path: "Sources/System/CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/System/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CArchive", path: "Sources/System/CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(
            name: "CLZMA", path: "Sources/System/CLZMA", pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"])]),
        .systemLibrary(
            name: "CZstd", path: "Sources/System/CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/System/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CGateSupport", path: "Sources/System/CGateSupport", cSettings: buildInfo),
        .target(name: "CGateTLS", path: "Sources/System/CGateTLS",
                linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .systemLibrary(
            name: "CLibPQ", path: "Sources/System/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .target(name: "CStateSupport", path: "Sources/System/CStateSupport", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "CMappedHash", path: "Sources/System/CMappedHash", linkerSettings: [.linkedLibrary("xxhash")]),

        // MARK: Core libraries
        .target(
            name: "ContentHash",
            dependencies: ["CXXHash", "CMappedHash", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "GateCore",
            dependencies: ["ContentHash", "CGateSupport", "CPCRE2", "Yams"],
            swiftSettings: strict),
        .target(
            name: "GateReports",
            dependencies: ["GateCore", "CZlib"],
            swiftSettings: strict),
        // Shared clients (docs/architecture.md): one per kind, hardened once, used by several verifiers.
        .target(
            name: "GateHTTP", dependencies: ["GateCore", "CCurl", "CGateTLS"],
            swiftSettings: strict),
        // OpenAPI 3.0/3.1 documents (YAML or JSON, local $refs) and values from their schemas, for health's
        // sweep and tenant-isolation's discovery.
        .target(name: "GateOpenAPI", dependencies: ["GateCore", "GateHTTP"], swiftSettings: strict),
        .target(
            name: "GateStore",
            dependencies: ["GateCore", "CStateSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        // The shared read-only database layer (SQLite through GRDB, PostgreSQL through libpq).
        .target(
            name: "GateDatabase",
            dependencies: ["GateCore", "ContentHash", "CLibPQ", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),

        // MARK: Verifiers (one module each; GateCore only, plus their own libraries)
        .target(
            name: "VerifierCommand", dependencies: ["GateCore"],
            path: "Sources/Verifiers/Command", swiftSettings: strict),
        .target(
            name: "VerifierBoundaries", dependencies: ["GateCore"],
            path: "Sources/Verifiers/Boundaries", swiftSettings: strict),
        .target(
            name: "VerifierCAS",
            dependencies: ["GateCore", "ContentHash", "GateStore", "CZlib", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/Verifiers/CAS", swiftSettings: strict),
        .target(
            name: "VerifierDeterminism", dependencies: ["GateCore", "ContentHash", "CZlib", "CArchive", "CLZMA", "CZstd"],
            path: "Sources/Verifiers/Determinism", swiftSettings: strict),
        .target(
            name: "VerifierMigrations",
            dependencies: [
                "GateCore", "ContentHash", "GateDatabase", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/Verifiers/Migrations", swiftSettings: strict),
        .target(
            name: "VerifierTenantIsolation",
            dependencies: ["GateCore", "GateDatabase", "GateHTTP", "GateOpenAPI", "CStateSupport",
                           .product(name: "GRDB", package: "GRDB.swift")],
            path: "Sources/Verifiers/TenantIsolation", swiftSettings: strict),
        .target(
            name: "VerifierHealth", dependencies: ["GateCore", "GateHTTP", "GateOpenAPI"],
            path: "Sources/Verifiers/Health", swiftSettings: strict),
        .target(
            name: "VerifierSecrets",
            dependencies: [
                "GateCore", "ContentHash", "CPCRE2", .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/Verifiers/Secrets", exclude: ["Rules/default-rules.toml"], swiftSettings: strict),
        .target(
            name: "VerifierLedger",
            dependencies: ["GateCore", "GateDatabase", "CXXHash", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Verifiers/Ledger", swiftSettings: strict),

        // MARK: Registry, run pipeline and CLI
        .target(
            name: "GateKit",
            dependencies: ["GateCore", "GateReports", "GateStore", "VerifierCommand", "VerifierBoundaries", "VerifierCAS",
                           "VerifierDeterminism", "VerifierHealth", "VerifierMigrations", "VerifierSecrets",
                           "VerifierTenantIsolation", "VerifierLedger"],
            swiftSettings: strict),
        .executableTarget(
            name: "gate",
            dependencies: [
                "GateKit", "GateCore", "GateReports", "GateStore", "CGateSupport", "VerifierCAS", "VerifierDeterminism",
                "VerifierLedger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "Rainbow",
            ],
            swiftSettings: strict),

        // MARK: Tests
        .target(
            name: "GateTestSupport", dependencies: ["GateCore", "GateReports"],
            path: "Tests/GateTestSupport", swiftSettings: strict),
        .testTarget(
            name: "ContentHashTests", dependencies: ["ContentHash", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GateCoreTests", dependencies: ["GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GateStoreTests",
            dependencies: ["GateStore", "GateCore", "GateTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "GateHTTPTests", dependencies: ["GateHTTP", "GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GateDatabaseTests",
            dependencies: ["GateDatabase", "GateCore", "GateTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "GateReportsTests", dependencies: ["GateReports", "GateCore", "GateTestSupport"],
            exclude: ["Golden"], swiftSettings: strict),
        .testTarget(
            name: "VerifierCommandTests",
            dependencies: ["VerifierCommand", "GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "VerifierBoundariesTests",
            dependencies: ["VerifierBoundaries", "GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "VerifierCASTests",
            dependencies: ["VerifierCAS", "ContentHash", "GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "VerifierDeterminismTests",
            dependencies: ["VerifierDeterminism", "GateCore", "ContentHash", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "VerifierMigrationsTests",
            dependencies: [
                "VerifierMigrations", "GateCore", "ContentHash", "GateTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "VerifierTenantIsolationTests",
            dependencies: ["VerifierTenantIsolation", "GateCore", "GateHTTP", "GateReports", "GateTestSupport",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "VerifierHealthTests",
            dependencies: ["VerifierHealth", "GateHTTP", "GateOpenAPI", "GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "VerifierSecretsTests",
            dependencies: [
                "VerifierSecrets", "GateCore", "GateTestSupport", "ContentHash",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "VerifierLedgerTests",
            dependencies: ["VerifierLedger", "GateCore", "GateDatabase", "GateTestSupport",
                           .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "GateKitTests", dependencies: ["GateKit", "GateCore", "GateReports", "GateStore", "GateTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests", dependencies: ["GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "HardeningTests", dependencies: ["GateCore", "GateKit", "GateTestSupport"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version: 6.1
//
// gate: a verification and determinism harness.
// One module per concern (see docs/architecture.md). Each verifier lives in its own module under
// Sources/Verifiers/<Name>/ and depends on GateCore (and ContentHash where it hashes), never on another
// verifier and never on the CLI. The registry of built-in verifiers is GateKit/BuiltinVerifiers.swift.
import PackageDescription

// Swift 6 language mode (strict concurrency) applies to every target via swiftLanguageModes below.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "gate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gate", targets: ["gate"]),
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
            name: "CZlib", path: "Sources/System/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CGateSupport", path: "Sources/System/CGateSupport"),

        // MARK: Core libraries
        .target(
            name: "ContentHash",
            dependencies: ["CXXHash", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "GateCore",
            dependencies: ["ContentHash", "CGateSupport", "Yams"],
            swiftSettings: strict),
        .target(
            name: "GateReports",
            dependencies: ["GateCore", "CZlib"],
            swiftSettings: strict),
        .target(
            name: "GateStore",
            dependencies: ["GateCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),

        // MARK: Verifiers (one module each; GateCore only, plus their own libraries)
        .target(
            name: "VerifierCommand", dependencies: ["GateCore"],
            path: "Sources/Verifiers/Command", swiftSettings: strict),
        .target(
            name: "VerifierSecrets",
            dependencies: ["GateCore", "ContentHash", "CPCRE2", .product(name: "TOMLKit", package: "TOMLKit")],
            path: "Sources/Verifiers/Secrets", exclude: ["Rules/default-rules.toml"], swiftSettings: strict),

        // MARK: Registry, run pipeline and CLI
        .target(
            name: "GateKit",
            dependencies: ["GateCore", "GateReports", "VerifierCommand", "VerifierSecrets"],
            swiftSettings: strict),
        .executableTarget(
            name: "gate",
            dependencies: [
                "GateKit", "GateCore", "GateReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "Rainbow",
            ],
            swiftSettings: strict),

        // MARK: Tests
        .target(
            name: "GateTestSupport", dependencies: ["GateCore", "GateReports"],
            path: "Tests/GateTestSupport", swiftSettings: strict),
        .testTarget(name: "ContentHashTests", dependencies: ["ContentHash"], swiftSettings: strict),
        .testTarget(
            name: "GateCoreTests", dependencies: ["GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GateStoreTests", dependencies: ["GateStore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GateReportsTests", dependencies: ["GateReports", "GateCore", "GateTestSupport"],
            exclude: ["Golden"], swiftSettings: strict),
        .testTarget(
            name: "VerifierCommandTests",
            dependencies: ["VerifierCommand", "GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "VerifierSecretsTests",
            dependencies: ["VerifierSecrets", "GateCore", "GateTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GateKitTests", dependencies: ["GateKit", "GateCore", "GateTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests", dependencies: ["GateTestSupport"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)

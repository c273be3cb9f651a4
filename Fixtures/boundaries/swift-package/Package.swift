// swift-tools-version: 6.0
// A fixture for the boundaries verifier: targets with a custom path, a re-export, and an undeclared import.
import PackageDescription

let package = Package(
    name: "fixture",
    dependencies: [
        .package(url: "https://example.invalid/yams", from: "1.0.0"),
    ],
    targets: [
        .target(name: "Core"),
        // Store lives in a custom directory.
        .target(name: "Store", dependencies: ["Core", .product(name: "Yams", package: "yams")], path: "Sources/Persistence"),
        .target(name: "Facade", dependencies: ["Store"]),
        .executableTarget(name: "app", dependencies: ["Facade"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
    ]
)

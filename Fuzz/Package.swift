// swift-tools-version: 6.1
//
// libFuzzer targets for gate's parsers. A separate package so that `swift build` and `make test` of gate
// never compile them; `make fuzz` builds this with `-sanitize=fuzzer,address` and runs each target.
import PackageDescription

let package = Package(
    name: "gate-fuzz",
    dependencies: [.package(name: "gate", path: "..")],
    targets: [
        .executableTarget(
            name: "gate-fuzz",
            dependencies: [.product(name: "GateFuzzing", package: "gate")],
            path: "Sources/gate-fuzz"),
    ],
    swiftLanguageModes: [.v6]
)

import Testing
@testable import VerifierBoundaries

/// The Swift extractor: every import form, and nothing from comments or strings.
@Suite struct SwiftImportsTests {
    func imports(_ source: String) -> [String] {
        Array(source.utf8).withUnsafeBufferPointer { SwiftImports.extract($0) }.map { imp in
            var s = "\(imp.line):\(imp.target)"
            if imp.flags.contains(.testable) { s += " testable" }
            if imp.flags.contains(.exported) { s += " exported" }
            return s
        }
    }

    @Test func importForms() {
        let src = """
            import Foundation
            @testable import GateCore
            @_exported import Yams
            import struct Crypto.SHA256
            internal import Dispatch; import Glibc
            @preconcurrency @_spi(Testing) public import Store
            """
        #expect(imports(src) == ["1:Foundation", "2:GateCore testable", "3:Yams exported", "4:Crypto", "5:Dispatch", "5:Glibc",
                                 "6:Store"])
    }

    @Test func conditionalImportsCount() {
        #expect(imports("#if canImport(Glibc)\nimport Glibc\n#else\nimport Darwin\n#endif\n") == ["2:Glibc", "4:Darwin"])
    }

    @Test func commentsAndStringsAreSkipped() {
        let src = """
            /* import A
               /* nested */ import B */
            // import C
            let s = \"\"\"
            import D
            \"\"\"
            let r = #"import "E" \\(x)"#
            let t = "\\("import F")"
            import Real
            """
        #expect(imports(src) == ["9:Real"])
    }

    @Test func identifiersNamedImportAreNotImports() {
        #expect(imports("let importer = 1\nfunc f() { importer.run() }\n") == [])
    }

    @Test func manifestTargetsAndDependencies() {
        let manifest = """
            let package = Package(
                name: "x",
                dependencies: [.package(url: "https://example.invalid/a", from: "1.0.0")],
                targets: [
                    .target(name: "Core", dependencies: [.product(name: "Yams", package: "Yams")]),
                    // .target(name: "Commented"),
                    .target(name: "Store", dependencies: ["Core", .target(name: "Other")], path: "Sources/Persistence"),
                    .testTarget(name: "StoreTests", dependencies: ["Store"]),
                    .executableTarget(name: "cli", dependencies: shared),
                    .target(name: "Plus", dependencies: ["Core"] + extra),
                ])
            """
        let targets = SwiftManifest.parse(text: manifest, manifest: "Package.swift", packageDir: "") { _ in false }
        #expect(targets.map(\.name) == ["Core", "Store", "StoreTests", "cli", "Plus"])
        #expect(targets.map(\.path) == ["Sources/Core", "Sources/Persistence", "Tests/StoreTests", "Sources/cli", "Sources/Plus"])
        #expect(targets[0].dependencies == ["Yams"])
        #expect(targets[1].dependencies == ["Core", "Other"])
        #expect(targets[3].dependencies == nil)
        #expect(targets[4].dependencies == nil)
        #expect(targets[1].line == 7)
    }
}

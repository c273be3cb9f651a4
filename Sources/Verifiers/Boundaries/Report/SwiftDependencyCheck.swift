import GateCore

/// `boundaries/undeclared-dependency`: a SwiftPM target imports a module it does not declare.
///
/// SwiftPM lets a target import any module built before it, so an import that only works because some
/// other dependency happens to pull the module in compiles today and breaks when that dependency
/// changes. A module counts as declared when it is the target itself, one of its dependencies (target,
/// product or by-name), re-exported (`@_exported import`) by a declared target, or part of the toolchain
/// or an Apple SDK. Targets whose dependency list the manifest computes are not checked.
enum SwiftDependencyCheck {
    static let toolchain: Set<String> = [
        "Swift", "_Concurrency", "_StringProcessing", "_Backtracing", "_Differentiation", "SwiftShims", "Foundation",
        "FoundationEssentials", "FoundationInternationalization", "FoundationNetworking", "FoundationXML", "Dispatch",
        "Glibc", "Musl", "Darwin", "WinSDK", "ucrt", "CRT", "WASILibc", "wasi_pthread", "Android", "Bionic", "XCTest", "Testing",
        "Synchronization", "Observation", "RegexBuilder", "Distributed", "Cxx", "CxxStdlib", "CoreFoundation",
        "ObjectiveC", "os", "OSLog", "Combine", "SwiftUI", "UIKit", "AppKit", "WatchKit", "CoreGraphics", "CoreData",
        "CoreImage", "CoreLocation", "CoreML", "CoreText", "CoreVideo", "CoreMedia", "CoreAudio", "CoreBluetooth",
        "CoreMotion", "CoreHaptics", "AVFoundation", "AVKit", "Metal", "MetalKit", "QuartzCore", "Security",
        "SystemConfiguration", "Network", "WebKit", "MapKit", "StoreKit", "GameKit", "SpriteKit", "SceneKit", "ARKit",
        "RealityKit", "CryptoKit", "LocalAuthentication", "UserNotifications", "CloudKit", "Photos", "PhotosUI",
        "Contacts", "EventKit", "HealthKit", "Intents", "WidgetKit", "AppIntents", "Vision", "NaturalLanguage",
        "SafariServices", "AuthenticationServices", "GameController", "MessageUI", "QuickLook", "PDFKit",
        "UniformTypeIdentifiers", "Accelerate", "simd", "IOKit", "MachO", "Charts", "SwiftData", "TipKit",
    ]

    static func findings(_ project: SwiftProject, alsoAvailable: Set<String> = []) -> [Finding] {
        var byName: [String: SwiftTarget] = [:]
        for t in project.targets where byName[t.name] == nil { byName[t.name] = t }
        var exported: [String: Set<String>] = [:]
        for (target, imports) in project.imports {
            for imp in imports where imp.flags.contains(.exported) { exported[target, default: []].insert(imp.module) }
        }
        func reexports(_ target: String, seen: inout Set<String>) -> Set<String> {
            guard seen.insert(target).inserted else { return [] }
            var out = exported[target] ?? []
            for m in exported[target] ?? [] where byName[m] != nil { out.formUnion(reexports(m, seen: &seen)) }
            return out
        }
        var findings: [Finding] = []
        for target in project.targets.sorted(by: { $0.name < $1.name }) {
            guard let deps = target.dependencies, let imports = project.imports[target.name] else { continue }
            var visible = Set(deps).union([target.name]).union(toolchain).union(alsoAvailable)
            var seen = Set<String>()
            for d in deps where byName[d] != nil { visible.formUnion(reexports(d, seen: &seen)) }
            var sites: [String: [(file: String, line: Int32)]] = [:]
            for imp in imports where !visible.contains(imp.module) { sites[imp.module, default: []].append((imp.file, imp.line)) }
            for (module, list) in sites {
                let sorted = list.sorted { ($0.file, $0.line) < ($1.file, $1.line) }
                let first = sorted[0]
                let kind = byName[module] != nil ? "target" : "module"
                let addition = byName[module] != nil ? "\"\(module)\"" : ".product(name: \"\(module)\", package: ...)"
                var evidence = ["target": target.name, "module": module, "manifest": "\(target.manifest):\(target.line)"]
                if sorted.count > 1 { evidence["imports"] = "\(sorted.count) (also " + sorted.dropFirst().prefix(5).map { "\($0.file):\($0.line)" }.joined(separator: ", ") + ")" }
                findings.append(Finding(
                    rule: "boundaries/undeclared-dependency",
                    message: "target '\(target.name)' imports \(kind) '\(module)', which it does not declare as a dependency in \(target.manifest); it builds only because another dependency happens to pull it in. Add \(addition) to the 'dependencies' of target '\(target.name)' (\(target.manifest):\(target.line)).",
                    path: first.file, line: Int(first.line), identity: "\(target.name)\u{0}\(module)",
                    evidence: evidence,
                    help: "Declare every module a target imports in its 'dependencies' in Package.swift."))
            }
        }
        return findings
    }
}

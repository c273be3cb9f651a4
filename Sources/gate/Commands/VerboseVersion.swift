import Foundation
import GateCore
import GateStore

/// `gate --version --verbose`: the version, the commit and date of the build, and the C libraries gate
/// was linked with (their run-time versions, and whether they were linked in statically). ArgumentParser
/// answers a plain `--version` itself; this is checked before it parses.
enum VerboseVersion {
    /// True when the arguments are exactly `--version` and `--verbose`/`-v`, in any order.
    static func isRequested(_ arguments: [String]) -> Bool {
        arguments.contains("--version") && arguments.count == 2
            && arguments.allSatisfy { ["--version", "--verbose", "-v"].contains($0) }
    }

    static var text: String {
        var lines = ["gate \(GateVersion.current)",
                     "commit     \(BuildInfo.commit)",
                     "built      \(BuildInfo.date) (the commit's date, SOURCE_DATE_EPOCH)",
                     "platform   \(platform)"]
        let libraries = LinkedLibrary.core + [LinkedLibrary.sqlite]
        let width = libraries.map(\.name.count).max() ?? 0
        for library in libraries {
            let name = library.name.padding(toLength: max(width, 10), withPad: " ", startingAt: 0)
            lines.append("\(name) \(library.version) (\(library.linkage))")
        }
        return lines.joined(separator: "\n")
    }

    private static var platform: String {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "aarch64"
        #else
        let arch = "unknown"
        #endif
        #if os(Linux)
        return "linux-\(arch)"
        #else
        return "darwin-\(arch)"
        #endif
    }
}

import Foundation

/// How one run is set up: the environment, the wrappers its command runs under, and the variations it
/// applied (or could not apply). Run 1 is the control: conditions exactly as gate found them.
struct RunPlan: Sendable {
    var index: Int
    var environment: [String: String]
    /// Exec wrappers, outermost first (setarch, taskset, unshare, env -i, faketime).
    var wrappers: [String] = []
    /// Statements a `/bin/sh` wrapper runs before it execs the command (umask, host name).
    var prelude: [String] = []
    /// Hand the environment over in reverse order through `env -i` (the env-order variation).
    var envTool: String?
    /// Run in a fresh copy of the working directory (the path variation; every run gets its own).
    var isolatedTree: Bool
    /// Directories to create before the run (an empty HOME, the extra PATH entry).
    var directories: [String] = []
    var variations: [AppliedVariation] = []
    /// The host name the command sees.
    var hostname: String

    var isControl: Bool { index == 1 }

    /// The full argv: wrappers, then the shell prelude, then the command.
    func argv(command: [String]) -> [String] {
        var out = wrappers
        if let envTool {
            out += [envTool, "-i"] + environment.keys.sorted(by: >).map { "\($0)=\(environment[$0]!)" }
        }
        if !prelude.isEmpty {
            out += ["/bin/sh", "-c", prelude.joined(separator: "; ") + "; exec \"$@\"", "sh"]
        }
        return out + command
    }

    /// Variation settings as one line for logs and manifests.
    var description: String {
        if isControl {
            return isolatedTree ? "control (conditions as found; its own copy of the working directory)"
                : "control (conditions as found)"
        }
        return variations.isEmpty ? "no variation (a plain repeat)" : variations.map(\.text).joined(separator: "; ")
    }
}

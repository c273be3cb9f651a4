import Foundation

/// How one run is set up: the environment, the wrappers its command runs under, and the variations it
/// applied (or could not apply). Run 1 is the control: conditions exactly as gate found them.
struct RunPlan: Sendable {
    var index: Int
    var environment: [String: String]
    /// Exec wrappers, outermost first (taskset, setarch, unshare --uts, unshare --user).
    var wrappers: [String] = []
    /// Statements a `/bin/sh` wrapper runs before it execs the command (umask).
    var prelude: [String] = []
    /// Libraries for LD_PRELOAD (libfaketime, gate's shim), ahead of any the environment already names.
    var preload: [String] = []
    /// Hand the environment over in reverse order through `env -i` (the env-order variation).
    var envTool: String?
    /// Run in a fresh copy of the working directory (the path variation; every run gets its own).
    var isolatedTree: Bool
    /// Where that copy goes; nil means `run-N/tree`. A run that does not vary the path (a bisection run)
    /// uses the control's place, so that only the variations it is testing differ.
    var treePath: String?
    /// Run through a disorderfs mount of the working tree (the file-order variation, when disorderfs works).
    var orderMount: OrderMount?
    /// The bisection factors this run varies (nil for the check's own runs, which vary everything requested).
    var factors: [Factor]?
    /// Directories to create before the run (an empty HOME, the extra PATH entry).
    var directories: [String] = []
    var variations: [AppliedVariation] = []
    /// Settings every run gets so that only the variations differ (PYTHONHASHSEED=0 when the random
    /// variation is requested and the environment leaves hashing randomised per process).
    var pinned: [String] = []
    /// The host name the command sees.
    var hostname: String

    var isControl: Bool { index == 1 }

    /// A disorderfs view of the working tree: the command runs at `mountPoint`, which is the same path in
    /// every run that does not vary the build path, and the control's view keeps the real order.
    struct OrderMount: Sendable {
        var disorderfs: String
        var fusermount: String
        var mountPoint: String
        /// `--shuffle-dirents=...` and `--reverse-dirents=...`.
        var options: [String]
    }

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
        if isControl || factors?.isEmpty == true {
            let what = isControl ? "control" : "nothing varied (as the control)"
            let pins = pinned.isEmpty ? "" : "; pinned " + pinned.joined(separator: ", ")
            return isolatedTree ? "\(what) (conditions as found\(pins); its own copy of the working directory)" : "\(what) (conditions as found\(pins))"
        }
        return variations.isEmpty ? "no variation (a plain repeat)" : variations.map(\.text).joined(separator: "; ")
    }
}

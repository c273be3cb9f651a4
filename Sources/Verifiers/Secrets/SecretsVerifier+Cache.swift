import Foundation
import GateCore

extension SecretsVerifier {
    /// What the scan can read. In a git work tree without `all-files`, that is exactly what
    /// `git ls-files -co --exclude-standard` lists (a new untracked file joins the listing, so it is a
    /// miss; an ignored one is never scanned), plus `.git/info/exclude` and the user's global excludes
    /// file, which decide the listing too. Otherwise every file under the root. Then the ruleset and the
    /// baseline; history and staged scans read the repository itself, so `.git` joins them. A check that
    /// writes a baseline is not cached.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        guard options.writeBaseline == nil else { return nil }
        let root = parameters.root
        var paths: [String]
        if !options.allFiles, let listed = Self.gitListing(root) {
            paths = listed.map { root + "/" + $0 } + Self.globalExcludesFiles()
        } else {
            paths = [root]
        }
        paths.append(root + "/.git/info/exclude")
        if options.history || options.staged { paths.append(root + "/.git") }
        paths += [options.configPath, options.baseline].compactMap { $0 }
        // With the default excludes on, the scan prunes vendored and tool directories (`.build/`,
        // `node_modules/`, ...) by name wherever they are, so they cannot change the result; gate's own
        // `.gate/` is never scanned.
        var skipped: Set<String> = [".gate"]
        if options.defaultExcludes && !options.includeVendored {
            skipped.formUnion(FileSelection.vendoredDirectories.filter { $0 != ".git/" }.map { String($0.dropLast()) })
        }
        return CacheInputs(paths: paths, skipDirectories: skipped)
    }

    public static var supportsSplit: Bool { true }

    /// `git ls-files -z -co --exclude-standard` in `root`, or nil when that fails (not a work tree, no git):
    /// the caller then keys on the whole root, which can only cause misses. Synchronous because keys are
    /// worked out before the check runs; the listing is one short git call.
    static func gitListing(_ root: String) -> [String]? {
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-c", "core.quotepath=off", "ls-files", "-z", "-co", "--exclude-standard"]
        git.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe()
        git.standardOutput = out
        git.standardError = FileHandle.nullDevice
        git.standardInput = FileHandle.nullDevice
        do { try git.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        git.waitUntilExit()
        guard git.terminationStatus == 0 else { return nil }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The global excludes files git reads when `core.excludesFile` is not set (it usually is not).
    static func globalExcludesFiles() -> [String] {
        let env = ProcessInfo.processInfo.environment
        var out: [String] = []
        if let xdg = env["XDG_CONFIG_HOME"], !xdg.isEmpty { out.append(xdg + "/git/ignore") }
        if let home = env["HOME"], !home.isEmpty { out.append(home + "/.config/git/ignore") }
        return out
    }
}

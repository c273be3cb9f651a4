import ContentHash
import Foundation
import GateCore

/// gate's LD_PRELOAD shim for the variations no environment variable reaches: directory order (when
/// disorderfs cannot mount), the kernel version uname(2) reports, and the CPU count on a one-CPU machine.
///
/// Why it is compiled at first use: gate's release binary links the Swift runtime statically and is one
/// file, so it cannot carry a shared library that a build's programs could load. It carries the C source
/// instead (`PreloadShimSource`) and builds it with the system C compiler into a cache directory keyed by
/// the source's digest (`$XDG_CACHE_HOME/gate/shim-<digest>/gate-vary.so`, else `~/.cache/...`, else the
/// temporary directory). That works from a fresh clone, from an installed binary and after an upgrade
/// (a new source gets a new directory); without a compiler the variations that need it are reported as
/// not applied, never skipped silently.
enum PreloadShim {
    static let fileName = "gate-vary.so"

    /// The directory the library goes in: `GATE_SHIM_DIR` when set (tests), else the cache.
    static func directory(environment: [String: String]) -> String {
        if let dir = environment["GATE_SHIM_DIR"], !dir.isEmpty { return dir }
        let digest = ContentHash.hash(PreloadShimSource.text, .xxh3_64).hex
        let base: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else if let home = environment["HOME"], home.hasPrefix("/"), FileInfo.isDirectory(home) {
            base = home + "/.cache"
        } else {
            base = NSTemporaryDirectory().trimmingSuffix("/") + "/gate-cache-\(getuid())"
        }
        return base + "/gate/shim-" + digest
    }

    /// The library's path, building it when it is not there yet; or why it cannot be had.
    static func build(environment: [String: String], path: String?) async -> Result<String, Problem> {
        let dir = directory(environment: environment)
        let library = dir + "/" + fileName
        if FileInfo.exists(library) { return .success(library) }
        guard let cc = ["cc", "gcc", "clang"].lazy.compactMap({ ProcessRunner.which($0, path: path, cwd: "/") }).first else {
            return .failure(Problem("no C compiler ('cc', 'gcc' or 'clang') on PATH to build gate's preload shim; install gcc (and libc6-dev)"))
        }
        do {
            try AtomicFile.makeDirectory(dir)
            try AtomicFile.write(PreloadShimSource.text, to: dir + "/gate_vary.c")
        } catch {
            return .failure(Problem("cannot write gate's preload shim to '\(dir)': \(error)"))
        }
        // Build beside the final name and rename: two gates starting at once both succeed.
        let partial = dir + "/.\(fileName).\(getpid()).\(UInt32.random(in: 0...UInt32.max))"
        let argv = [cc, "-shared", "-fPIC", "-O2", "-o", partial, dir + "/gate_vary.c", "-ldl"]
        let spec = ProcessSpec(.argv(argv), environment: ["PATH": path ?? "/usr/local/bin:/usr/bin:/bin", "LC_ALL": "C"],
                               cwd: dir, captureLimit: 16 * 1024, timeout: .seconds(60), killGrace: .seconds(1))
        guard let result = try? await ProcessRunner.run(spec) else {
            return .failure(Problem("could not start '\(cc)' to build gate's preload shim"))
        }
        guard result.exitCode == 0, rename(partial, library) == 0 else {
            unlink(partial)
            let why = (result.stderr.text + result.stdout.text).split(separator: "\n").first.map(String.init) ?? result.termination.description
            return .failure(Problem("'\(cc)' could not build gate's preload shim (\(why)); install gcc and libc6-dev"))
        }
        return .success(library)
    }

    struct Problem: Error, Sendable {
        let text: String
        init(_ text: String) { self.text = text }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) && count > 1 ? String(dropLast(suffix.count)) : self
    }
}

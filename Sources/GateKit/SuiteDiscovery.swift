import Foundation
import GateCore

/// Finds suites and state directories for the commands that do not run a suite (`attest`, `history`).
public enum SuiteDiscovery {
    /// The suites in `Suites/` under the working directory, loaded; files that do not load are returned
    /// with their error so that a message can mention them.
    public static func suites(in workingDirectory: String, registry: VerifierRegistry = BuiltinVerifiers.registry)
        -> (loaded: [Suite], broken: [(String, ConfigError)]) {
        let dir = workingDirectory + "/Suites"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var loaded: [Suite] = [], broken: [(String, ConfigError)] = []
        let loader = SuiteLoader(registry: registry, workingDirectory: workingDirectory)
        for name in names {
            do {
                loaded.append(try loader.load("Suites/" + name))
            } catch {
                broken.append(("Suites/" + name, error))
            }
        }
        return (loaded, broken)
    }

    /// The state directory a suite uses: `override` (relative to the working directory) or `.gate` under
    /// the suite's root.
    public static func stateDirectory(for suite: Suite, override: String?, workingDirectory: String) -> String {
        override.map { PathUtil.resolve($0, against: workingDirectory) } ?? suite.root + "/.gate"
    }
}

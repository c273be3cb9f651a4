import Foundation
import GateCore

/// Finds suites and state directories. Every command that takes a suite finds it the same way: the path
/// given (`--suite FILE` or the argument), else `gate.yaml` in the working directory, else the one suite
/// under `Suites/`.
public enum SuiteDiscovery {
    /// The file names looked for at the top of the project.
    public static let rootNames = ["gate.yaml", "gate.yml"]

    /// The suite to use: `given`, else `gate.yaml`, else the only `Suites/*.yaml`. Throws a usage error
    /// (exit 2) that says what was looked for and how to go on.
    public static func locate(_ given: String?, workingDirectory: String, command: String = "run") throws(ConfigError) -> String {
        if let given, !given.isEmpty { return given }
        for name in rootNames where FileManager.default.fileExists(atPath: workingDirectory + "/" + name) { return name }
        let names = suiteFiles(in: workingDirectory)
        if names.count == 1 { return "Suites/" + names[0] }
        if names.isEmpty {
            throw .usage("no suite found: there is no gate.yaml here and no Suites/*.yaml. Run 'gate init' to write a "
                         + "gate.yaml for this project, or name a suite: gate \(command) --suite FILE")
        }
        throw .usage("several suites under Suites/ (\(names.joined(separator: ", "))) and no gate.yaml. Name one: "
                     + "gate \(command) --suite Suites/\(names[0])")
    }

    static func suiteFiles(in workingDirectory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: workingDirectory + "/Suites")) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    }

    /// The suites in `Suites/` under the working directory, loaded; files that do not load are returned
    /// with their error so that a message can mention them.
    public static func suites(in workingDirectory: String, registry: VerifierRegistry = BuiltinVerifiers.registry)
        -> (loaded: [Suite], broken: [(String, ConfigError)]) {
        let names = suiteFiles(in: workingDirectory)
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

import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

/// Every variation, with a real command that is stable under the others and depends on exactly the
/// condition that variation changes: it passes with `vary: []` and diverges with `vary: [it]`, unless
/// this machine cannot apply it, in which case the check must say so.
@Suite struct VariationTests {
    static let commands: [(Variation, String)] = [
        (.tz, "date +%Z"),
        (.locale, "locale"),
        (.umask, "umask"),
        (.path, "pwd > out"),
        (.time, #"date +%Y; echo "${SOURCE_DATE_EPOCH:-unset}""#),
        (.home, #"echo "$HOME""#),
        (.envOrder, "env"),
        (.random, #"python3 -c 'print(hash("x"))'"#),
        (.jobs, "nproc"),
        (.cpus, "nproc"),
        (.aslr, "cat /proc/self/personality"),
        (.execPath, #"echo "$PATH""#),
        (.hostname, "cat /proc/sys/kernel/hostname"),
        (.user, "id -u; id -g"),
        (.kernel, "uname -r"),
        (.fileOrder, "mkdir -p d && touch d/a d/b d/c d/e && ls -f d | grep -v '^[.]' > out"),
    ]

    @Test func everyVariationHasACommand() {
        #expect(Set(Self.commands.map(\.0)) == Set(Variation.allCases))
    }

    @Test(arguments: commands)
    func divergesOnlyUnderItsVariation(variation: Variation, command: String) async throws {
        let h = try Harness("vary-\(variation.rawValue)")
        defer { h.remove() }
        // Python randomises hashes per process unless told otherwise: fix the seed, so that only the
        // 'random' variation changes it.
        let env = ["PYTHONHASHSEED": "0"]
        let quoted = "'" + command.replacingOccurrences(of: "'", with: "''") + "'"
        let outputs = command.hasSuffix("> out") ? "\noutputs: [out]\nbisect: false" : "\nbisect: false"

        let plain = try await h.run("command: \(quoted)\(outputs)", env: env)
        #expect(!plain.failed, "'\(command)' should be stable without variations: \(plain.findings.map(\.message))")

        let varied = try await h.run("command: \(quoted)\(outputs)\nvary: [\(variation.rawValue)]", env: env)
        let notApplied = varied.first("determinism/variation-not-applied")
        if let notApplied {
            #expect(notApplied.severity == .warning)
            #expect(notApplied.message.hasPrefix("the '\(variation.rawValue)' variation was not applied: "))
            #expect(varied.summary.contains("not applied: \(variation.rawValue)"))
            #expect(varied.stat("notApplied") == .array([.string(variation.rawValue)]))
        } else {
            let f = try #require(varied.first("determinism/output-diverged"), "'\(command)' should diverge under \(variation.rawValue)")
            #expect(f.evidence?["variations"]?.contains("\(variation.rawValue) (") == true)
            #expect(varied.stat("varied") == .array([.string(variation.rawValue)]))
            let manifest = try String(contentsOfFile: h.artifacts + "/run-2/run.json", encoding: .utf8)
            #expect(manifest.contains("\"name\": \"\(variation.rawValue)\""))
        }
    }

    @Test func platformDependentVariationsMatchWhatTheMachineAllows() async throws {
        let facts = await Machine.facts()
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: 'true'\nvary: [cpus, aslr, hostname, time]")
        var missing: Set<String> = []
        if case .array(let names)? = outcome.stat("notApplied") { missing = Set(names.map(\.displayString)) }
        #expect(missing.contains("cpus") == (facts.allowedCPUs.count < 2 || facts.taskset == nil))
        #expect(missing.contains("aslr") == (facts.aslrProblem != nil))
        #expect(missing.contains("hostname") == (facts.hostnameProblem != nil))
        #expect(missing.contains("time") == (facts.libfaketime == nil))
        #expect(outcome.stat("timeSource") == .string(facts.libfaketime != nil ? "libfaketime" : "none"))
        let manifest = try String(contentsOfFile: h.artifacts + "/run-2/run.json", encoding: .utf8)
        #expect(manifest.contains(facts.libfaketime != nil ? "through libfaketime" : "libfaketime"))
    }

    @Test func missingToolsAreReportedNotApplied() async throws {
        // A PATH with a shell and nothing else: no env, taskset, setarch, unshare or faketime.
        let h = try Harness()
        defer { h.remove() }
        let bin = h.dir.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: bin + "/sh", withDestinationPath: "/bin/sh")
        let outcome = try await h.run("command: 'echo ok'\nvary: [env-order, cpus, aslr, hostname, time, tz]", env: ["PATH": bin])
        let messages = outcome.findings.filter { $0.rule == "determinism/variation-not-applied" }.map(\.message).sorted()
        #expect(messages.contains("the 'env-order' variation was not applied: 'env' (coreutils) is not on PATH"))
        #expect(messages.contains("the 'aslr' variation was not applied: 'setarch' is not installed (Debian package util-linux)"))
        #expect(messages.contains("the 'hostname' variation was not applied: 'unshare' is not installed (Debian package util-linux)"))
        #expect(messages.contains { $0.hasPrefix("the 'cpus' variation was not applied: ") })
        #expect(outcome.summary.contains("not applied: env-order, cpus, aslr, hostname"), "\(outcome.summary)")
        #expect(!outcome.failed)
    }

    @Test func moreRunsGetDistinctValues() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: date +%H:%M%Z\nruns: 4\nvary: [tz]")
        let f = try #require(outcome.first("determinism/output-diverged"))
        #expect(f.evidence?["runs"] == "run 1 | run 2 | run 3 | run 4", "\(f.evidence ?? [:])")
        #expect(f.message.contains("likely cause: the 'tz' variation"), "\(f.message)")
    }
}

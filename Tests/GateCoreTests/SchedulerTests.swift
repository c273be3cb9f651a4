import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// The DAG, skipping, timeouts, fail-fast, bounded parallelism and cancellation, with fake verifiers.
@Suite(.serialized) struct SchedulerTests {
    let registry = VerifierRegistry([EchoVerifier.self, SleepVerifier.self, PromptSleepVerifier.self])

    func suite(_ yaml: String) throws -> Suite {
        let dir = try TempDir("sched")
        defer { dir.remove() }  // the suite is read whole: nothing refers to the files afterwards
        try dir.write(["s.yaml": yaml])
        return try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
    }

    func run(_ s: Suite, jobs: Int = 2, failFast: Bool = false, only: [String] = [], skip: [String] = [],
             tags: [String] = []) async throws -> Scheduler.Outcome {
        let options = RunOptions(jobs: jobs, only: only, skip: skip, tags: tags, failFast: failFast,
                                 reportsDirectory: "/tmp/gate-sched-reports")
        return await Scheduler(options: options).run(s, selection: try Selection.compute(s, options: options))
    }

    func status(_ o: Scheduler.Outcome, _ id: String) -> CheckStatus? { o.results.first { $0.id == id }?.status }

    @Test func statusesFollowFindings() async throws {
        let s = try suite("""
            checks:
              - {id: ok, uses: echo}
              - {id: warns, uses: echo, with: {warn: true}}
              - {id: fails, uses: echo, with: {fail: true, repeat: 3}}
              - {id: errors, uses: echo, with: {throw: "input missing"}}
            """)
        let o = try await run(s)
        #expect(o.results.map(\.id) == ["ok", "warns", "fails", "errors"])
        #expect(status(o, "ok") == .passed)
        #expect(status(o, "warns") == .passed)
        #expect(status(o, "fails") == .failed)
        #expect(o.results[2].findings.count == 3)
        #expect(status(o, "errors") == .error)
        #expect(o.results[3].reason == "input missing")
    }

    @Test func dependentsOfFailuresAreSkippedWithTheReason() async throws {
        let s = try suite("""
            checks:
              - {id: build, uses: echo, with: {fail: true}}
              - {id: test, uses: echo, needs: build}
              - {id: deploy, uses: echo, needs: [test]}
              - {id: lint, uses: echo}
            """)
        let o = try await run(s)
        #expect(status(o, "build") == .failed)
        #expect(status(o, "test") == .skipped)
        #expect(o.results[1].reason == "needs 'build', which ended failed")
        #expect(status(o, "deploy") == .skipped)
        #expect(o.results[2].reason == "needs 'test', which was skipped")
        #expect(status(o, "lint") == .passed)
    }

    @Test func needsRunBeforeTheirDependents() async throws {
        // b needs a (slow); c needs b. With 3 jobs, b and c must still wait.
        let s = try suite("""
            checks:
              - {id: c, uses: sleep, needs: b, with: {ms: 1}}
              - {id: b, uses: sleep, needs: a, with: {ms: 1}}
              - {id: a, uses: sleep, with: {ms: 80}}
            """)
        let order = Order()
        let options = RunOptions(jobs: 3, reportsDirectory: "/tmp/gate-sched-reports")
        let o = await Scheduler(options: options, progress: { e in
            if case .started(let id) = e { order.append(id) }
        }).run(s, selection: try Selection.compute(s, options: options))
        #expect(o.results.allSatisfy { $0.status == .passed })
        #expect(order.items == ["a", "b", "c"])
    }

    @Test func parallelismIsBoundedByJobs() async throws {
        SleepVerifier.concurrency.reset()
        var yaml = "checks:\n"
        for i in 0..<12 { yaml += "  - {id: s\(i), uses: sleep, with: {ms: 30}}\n" }
        let o = try await run(try suite(yaml), jobs: 3)
        #expect(o.results.count == 12)
        #expect(SleepVerifier.concurrency.peak <= 3)
        #expect(SleepVerifier.concurrency.peak >= 2)
    }

    /// A verifier that ignores cancellation is abandoned `abandonAfter` past its timeout: the run ends with
    /// the check timed out while the verifier is still stuck.
    @Test func verifierIgnoringCancellationDoesNotHoldTheRun() async throws {
        let s = try suite("checks:\n  - {id: stuck, uses: sleep, timeout: 100ms, with: {ms: 4000, ignore-cancel: true}}\n  - {id: next, uses: sleep}\n")
        var options = RunOptions(jobs: 2, reportsDirectory: "/tmp/gate-sched-reports")
        options.abandonAfter = .milliseconds(200)
        let before = SleepVerifier.stubbornFinished.withLock { $0 }
        let o = await Scheduler(options: options).run(s, selection: try Selection.compute(s, options: options))
        #expect(status(o, "stuck") == .timedOut)
        #expect(status(o, "next") == .passed)
        #expect(SleepVerifier.stubbornFinished.withLock { $0 } == before, "the run waited for the stuck verifier")
    }

    @Test func timeoutStopsTheCheck() async throws {
        let s = try suite("checks:\n  - {id: slow, uses: sleep, timeout: 200ms, with: {ms: 60000}}\n  - {id: after, uses: echo, needs: slow}\n")
        let clock = ContinuousClock()
        let start = clock.now
        let o = try await run(s)
        #expect(clock.now - start < .seconds(30))
        #expect(status(o, "slow") == .timedOut)
        #expect(o.results[0].reason?.contains("timeout of 200ms") == true)
        #expect(status(o, "after") == .skipped)
    }

    @Test func failFastStopsLaunching() async throws {
        let s = try suite("""
            checks:
              - {id: a, uses: echo, with: {fail: true}}
              - {id: b, uses: sleep, with: {ms: 1}}
              - {id: c, uses: sleep, with: {ms: 1}}
            """)
        let o = try await run(s, jobs: 1, failFast: true)
        #expect(status(o, "a") == .failed)
        #expect(status(o, "b") == .skipped)
        #expect(o.results[1].reason?.contains("--fail-fast") == true)
        #expect(status(o, "c") == .skipped)
    }

    @Test func advisoryFailureDoesNotStopFailFast() async throws {
        let s = try suite("""
            checks:
              - {id: a, uses: echo, required: false, with: {fail: true}}
              - {id: b, uses: echo}
            """)
        let o = try await run(s, jobs: 1, failFast: true)
        #expect(status(o, "a") == .failed)
        #expect(status(o, "b") == .passed)
    }

    @Test func selectionPullsInNeedsAndHonoursSkipAndTags() async throws {
        let s = try suite("""
            checks:
              - {id: a, uses: echo}
              - {id: b, uses: echo, needs: a, tags: [fast]}
              - {id: c, uses: echo}
              - {id: d, uses: echo, needs: c}
            """)
        let only = try await run(s, only: ["b"])
        #expect(status(only, "a") == .passed)
        #expect(status(only, "b") == .passed)
        #expect(status(only, "c") == .skipped)
        #expect(only.results[2].reason == "not selected by --only")
        let tagged = try await run(s, tags: ["fast"])
        #expect(status(tagged, "b") == .passed)
        #expect(status(tagged, "d") == .skipped)
        let skipped = try await run(s, skip: ["c"])
        #expect(status(skipped, "c") == .skipped)
        #expect(status(skipped, "d") == .skipped)
        #expect(skipped.results[3].reason == "needs 'c', which was skipped")
        #expect(throws: ConfigError.self) { try Selection.compute(s, options: RunOptions(only: ["zz"], reportsDirectory: "/tmp")) }
    }

    @Test func cancellationEndsEveryCheckWithAResult() async throws {
        var yaml = "checks:\n"
        for i in 0..<6 { yaml += "  - {id: s\(i), uses: sleep, with: {ms: 60000}}\n" }
        let s = try suite(yaml)
        let task = Task { try await run(s, jobs: 2) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let o = try await task.value
        #expect(o.interrupted)
        #expect(o.results.count == 6)
        let running = o.results.filter { $0.status == .error }
        let notStarted = o.results.filter { $0.status == .skipped }
        #expect(running.count == 2)
        #expect(running.allSatisfy { $0.reason == "interrupted while running" })
        #expect(notStarted.count == 4)
    }

    /// A verifier that stops promptly runs in the check's own task when the check has no timeout: an
    /// interruption reaches it there (its sleep is cut short) and ends the check as interrupted. With a
    /// timeout it still runs in a task of its own against the timer.
    @Test func promptVerifiersAreInterruptedInTheirChecksTask() async throws {
        let s = try suite("""
            checks:
              - {id: a, uses: prompt-sleep, with: {ms: 60000}}
              - {id: b, uses: prompt-sleep, with: {ms: 60000}}
              - {id: timed, uses: prompt-sleep, timeout: 100ms, with: {ms: 60000}}
              - {id: quick, uses: prompt-sleep, with: {ms: 1}}
            """)
        let before = PromptSleepVerifier.cutShort.withLock { $0 }
        let timed = try await run(s, only: ["timed", "quick"])
        #expect(status(timed, "timed") == .timedOut)
        #expect(status(timed, "quick") == .passed)
        let task = Task { try await run(s, jobs: 2, only: ["a", "b"]) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let o = try await task.value
        #expect(o.interrupted)
        #expect(o.results.filter { $0.reason == "interrupted while running" }.map(\.id).sorted() == ["a", "b"])
        // The timed check's sleep and both interrupted sleeps were cut short.
        #expect(PromptSleepVerifier.cutShort.withLock { $0 } - before == 3)
    }

    @Test func waivedErrorsGiveWaivedStatus() {
        var f = Finding(rule: "x/y", message: "m")
        #expect(Scheduler.deriveStatus([f]) == .failed)
        f.waived = true
        #expect(Scheduler.deriveStatus([f]) == .waived)
        #expect(Scheduler.deriveStatus([Finding(rule: "x/w", severity: .warning, message: "w")]) == .passed)
    }
}

final class Order: Sendable {
    private let list = Mutex<[String]>([])
    func append(_ s: String) { list.withLock { $0.append(s) } }
    var items: [String] { list.withLock { $0 } }
}

import Synchronization

import Foundation
import Synchronization

@testable import GateCore

/// Returns findings described by its parameters: `message`, `fail` (error finding), `warn`, `repeat`.
struct EchoVerifier: Verifier {
    static let descriptor = VerifierDescriptor(
        id: "echo", summary: "test verifier", discussion: "",
        parameters: [
            ParameterSpec("message", .string, "text"),
            ParameterSpec("fail", .bool, "emit an error finding"),
            ParameterSpec("warn", .bool, "emit a warning finding"),
            ParameterSpec("repeat", .int, "number of findings"),
            ParameterSpec("throw", .string, "throw VerifierError with this message"),
        ],
        rules: [RuleDescriptor("echo/fail", "failure"), RuleDescriptor("echo/warn", "warning", severity: .warning)],
        examples: [])

    let message: String, fail: Bool, warn: Bool, count: Int, throwMessage: String?

    init(parameters p: Parameters) throws(ConfigError) {
        message = try p.string("message", default: "hello")
        fail = try p.bool("fail", default: false)
        warn = try p.bool("warn", default: false)
        count = try p.int("repeat", default: 1)
        if count < 1 { throw p.error("repeat", "must be at least 1") }
        throwMessage = try p.string("throw")
    }

    func run(_ context: CheckContext) async throws -> CheckOutcome {
        if let throwMessage { throw VerifierError(throwMessage) }
        var findings: [Finding] = []
        for i in 0..<count {
            if fail { findings.append(Finding(rule: "echo/fail", message: "\(message) \(i)", path: "f\(i).txt", line: i + 1)) }
            if warn { findings.append(Finding(rule: "echo/warn", severity: .warning, message: message)) }
        }
        return CheckOutcome(findings: findings, summary: message)
    }
}

/// Sleeps for `ms` (cooperatively), counting how many instances run at once.
struct SleepVerifier: Verifier {
    static let descriptor = VerifierDescriptor(
        id: "sleep", summary: "test verifier", discussion: "",
        parameters: [ParameterSpec("ms", .int, "milliseconds"), ParameterSpec("ignore-cancel", .bool, "keep going")],
        rules: [RuleDescriptor("sleep/done", "done")], examples: [])

    static let concurrency = Concurrency()
    /// Runs of `ignore-cancel: true` that have finished their blocking sleep.
    static let stubbornFinished = Mutex(0)
    let ms: Int
    let ignoreCancel: Bool

    init(parameters p: Parameters) throws(ConfigError) {
        ms = try p.int("ms", default: 10)
        ignoreCancel = try p.bool("ignore-cancel", default: false)
    }

    func run(_ context: CheckContext) async throws -> CheckOutcome {
        Self.concurrency.enter()
        defer { Self.concurrency.leave() }
        if ignoreCancel {
            // Waits on work that never looks at cancellation (like a blocking read), done on a thread of its
            // own so that the test does not also starve Swift's small cooperative pool on a 2-core machine.
            let ms = self.ms
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    usleep(UInt32(ms) * 1000)
                    Self.stubbornFinished.withLock { $0 += 1 }
                    c.resume()
                }
            }
            return CheckOutcome(summary: "slept \(ms)ms regardless")
        }
        try await Task.sleep(for: .milliseconds(ms))
        return CheckOutcome(summary: "slept \(ms)ms")
    }
}

/// Guarded by NSLock (a pthread mutex) rather than Synchronization.Mutex: on Linux, Mutex waits on a futex
/// through atomics in a library ThreadSanitizer does not instrument, so `make sanitize` reported a race
/// between two accesses that were both inside `withLock`.
final class Concurrency: @unchecked Sendable {
    private let lock = NSLock()
    private var current = 0
    private var maximum = 0
    func enter() { lock.withLock { current += 1; maximum = max(maximum, current) } }
    func leave() { lock.withLock { current -= 1 } }
    func reset() { lock.withLock { current = 0; maximum = 0 } }
    var peak: Int { lock.withLock { maximum } }
}

/// Sleeps for `ms` and declares that it stops promptly when cancelled, so that a check without a timeout
/// runs it directly in the check's task. Counts the sleeps that cancellation cut short.
struct PromptSleepVerifier: Verifier {
    static let descriptor = VerifierDescriptor(
        id: "prompt-sleep", summary: "test verifier", discussion: "",
        parameters: [ParameterSpec("ms", .int, "milliseconds")],
        rules: [RuleDescriptor("prompt-sleep/done", "done")], examples: [])
    static var stopsPromptlyWhenCancelled: Bool { true }
    static let cutShort = Mutex(0)
    let ms: Int

    init(parameters p: Parameters) throws(ConfigError) { ms = try p.int("ms", default: 10) }

    func run(_ context: CheckContext) async throws -> CheckOutcome {
        do {
            try await Task.sleep(for: .milliseconds(ms))
        } catch {
            Self.cutShort.withLock { $0 += 1 }
            throw error
        }
        return CheckOutcome(summary: "slept \(ms)ms")
    }
}

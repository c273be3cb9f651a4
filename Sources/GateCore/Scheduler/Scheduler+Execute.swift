import Foundation
import Synchronization

extension Scheduler {
    private enum Race: Sendable {
        case done(CheckOutcome)
        case failed(String)
        case cancelled
        case timer(fired: Bool)
    }

    private static func runVerifier(_ verifier: any Verifier, _ context: CheckContext) async -> Race {
        do {
            return .done(try await FindingCollector.$check.withValue(context) { try await verifier.run(context) })
        } catch is CancellationError {
            return .cancelled
        } catch let e as VerifierError {
            return .failed(e.message)
        } catch let e as ProcessError {
            return .failed(e.description)
        } catch let e as ConfigError {
            return .failed(e.description)
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// The first verdict offered wins; `wait` returns it.
    private final class RaceBox: Sendable {
        private let state = Locked<(value: Race?, waiter: CheckedContinuation<Race, Never>?)>((nil, nil))

        func offer(_ r: Race) {
            let waiter: CheckedContinuation<Race, Never>? = state.withLock { s in
                guard s.value == nil else { return nil }
                s.value = r
                defer { s.waiter = nil }
                return s.waiter
            }
            waiter?.resume(returning: r)
        }

        func wait() async -> Race {
            await withCheckedContinuation { c in
                let ready: Race? = state.withLock { s in
                    if let v = s.value { return v }
                    s.waiter = c
                    return nil
                }
                if let ready { c.resume(returning: ready) }
            }
        }
    }

    /// Runs one check against its timeout and turns whatever happens into a `CheckResult`, with every
    /// string in it redacted: this is where a check's text enters everything gate writes (see `Redactor`).
    func execute(_ check: CheckSpec, suite: Suite) async -> CheckResult {
        observe(.started(checkID: check.id))
        let clock = ContinuousClock()
        let start = clock.now
        var sliced = makeContext(check, suite: suite)
        if check.cache.split { sliced.slice = options.shard }
        let context = sliced
        let verifier = check.verifier

        let builder = options.cache.flatMap { _ in cacheKeyBuilder(check, suite: suite, context: context) }
        var cacheInfo: CacheInfo?
        if let builder, let store = options.cache {
            let (hit, info) = lookUp(builder, store: store)
            cacheInfo = info
            if let hit {
                let base = baseResult(check, context: context, durationMs: (clock.now - start).milliseconds)
                var result = Self.apply(hit.outcome, to: base, context: context)
                result.cached = true
                result.cache = info
                return context.redactor.scrub(Self.settle(result, check: check, options: options))
            }
        }

        let (verdict, timedOut) = await decide(verifier, context, timeout: check.timeout)
        let elapsed = (clock.now - start).milliseconds
        var result = baseResult(check, context: context, durationMs: elapsed)

        if case .done(let outcome)? = verdict {
            result = Self.apply(outcome, to: result, context: context)
        }
        if timedOut {
            let limit = DurationParsing.format(check.timeout ?? .zero)
            result.status = .timedOut
            result.reason = "exceeded its timeout of \(limit); raise 'timeout' on the check or make it faster"
            result.summary = "timed out after \(limit)"
        } else {
            switch verdict {
            case .failed(let message)?:
                result.status = .error
                result.reason = message
                result.summary = "error: " + message
            case .cancelled?, nil:
                result.status = .error
                result.reason = "interrupted while running"
                result.summary = "interrupted"
            case .done?:
                if Task.isCancelled {
                    result.status = .error
                    result.reason = "interrupted while running"
                    result.summary = "interrupted"
                }
            case .timer?:
                break
            }
        }
        if let builder, let store = options.cache, var info = cacheInfo {
            result.cached = false
            // Only passes are stored: a failure runs again next time, so a retry of a flaky check retries.
            if case .done(let outcome)? = verdict, !timedOut, !Task.isCancelled, result.status == .passed,
               !info.key.isEmpty {
                // The cache file must hold no credential either.
                self.store(context.redactor.scrub(outcome), durationMs: elapsed, check: check, builder: builder,
                           info: &info, store: store)
            }
            result.cache = info
        }
        return context.redactor.scrub(Self.settle(result, check: check, options: options))
    }

    /// Runs the verifier against the check's timeout. Returns its verdict (nil if it never gave one) and
    /// whether the timeout fired.
    private func decide(_ verifier: any Verifier, _ context: CheckContext,
                        timeout: Duration?) async -> (Race?, Bool) {
        // Without a timeout, a verifier that stops promptly when cancelled runs in this task: cancellation
        // reaches it directly, and a check costs one task and two thread hand-offs fewer.
        if timeout == nil && type(of: verifier).stopsPromptlyWhenCancelled {
            return (await Self.runVerifier(verifier, context), false)
        }
        // Otherwise the verifier runs in its own task so that one that never notices cancellation (a
        // blocking read, a long C call) is left behind after `abandonAfter` instead of holding the run. The
        // first of its verdict, the timeout and an abandoned cancellation decides; after a timeout the
        // verifier is cancelled and given the same `abandonAfter` to wind down.
        let abandonAfter = options.abandonAfter
        let first = RaceBox(), finished = RaceBox()
        let work = Task {
            let r = await Self.runVerifier(verifier, context)
            first.offer(r)
            finished.offer(r)
        }
        let timer: Task<Void, Never>? = timeout.map { limit in
            Task {
                do { try await Task.sleep(for: limit) } catch { return }
                first.offer(.timer(fired: true))
            }
        }
        let abandon = { @Sendable (box: RaceBox) in
            _ = Task {
                // A second Ctrl-C (EmergencyStop) ends the wait at once.
                await EmergencyStop.sleep(for: abandonAfter)
                box.offer(.cancelled)
            }
        }
        var verdict: Race? = await withTaskCancellationHandler {
            await first.wait()
        } onCancel: {
            work.cancel()
            abandon(first)
        }
        timer?.cancel()
        if case .timer? = verdict {
            work.cancel()
            abandon(finished)
            verdict = await finished.wait()
            return (verdict, true)
        }
        return (verdict, false)
    }

    /// A check's result before its outcome is known.
    func baseResult(_ check: CheckSpec, context: CheckContext, durationMs: Int) -> CheckResult {
        var r = CheckResult(
            id: check.id, verifier: check.verifierID, description: check.description, status: .passed,
            required: check.required, durationMs: durationMs, rules: check.verifier.evaluatedRules, tags: check.tags,
            source: check.location.file == "--set" ? nil : "\(check.location.file):\(check.location.line)",
            root: PathUtil.relative(check.root, to: workingDirectory))
        r.slice = context.slice?.description
        return r
    }

    /// Folds a verifier's outcome into the result and derives the status from findings. Every outcome
    /// passes through a `FindingCollector` here, so the finding limits hold whichever verifier produced it.
    static func apply(_ outcome: CheckOutcome, to base: CheckResult, context: CheckContext) -> CheckResult {
        var r = base
        var collector = FindingCollector(context)
        collector.append(contentsOf: outcome.findings)
        collector.add(dropped: outcome.dropped)
        let (findings, dropped) = collector.finish()
        r.findings = findings
        r.droppedFindings = dropped.isEmpty ? nil : dropped
        r.summary = outcome.summary
        if !dropped.isEmpty {
            let limits = context.findingLimits
            r.summary += "; \(NumberText.grouped(dropped.total)) more findings not kept (gate keeps the first "
                + "\(NumberText.grouped(limits.perRule)) of a rule and \(NumberText.grouped(limits.perCheck)) of a check)"
        }
        r.stats = outcome.stats
        r.log = outcome.log
        let evaluated = (outcome.rules ?? base.rules) + findings.map(\.rule)
            + dropped.map(\.rule).filter { $0 != DroppedFindings.otherRules }
        r.rules = Array(Set(evaluated)).sorted()
        r.status = outcome.status ?? deriveStatus(r.findings, dropped: dropped)
        r.extraRules = outcome.extraRules
        r.testcases = outcome.testcases
        return r
    }

    /// Failed on any unwaived error (kept or dropped); waived when errors exist but all are waived; else passed.
    public static func deriveStatus(_ findings: [Finding], dropped: [DroppedFindings] = []) -> CheckStatus {
        let errors = findings.filter { $0.severity == .error }
        let droppedErrors = dropped.filter { $0.severity == .error }
        if errors.contains(where: { !$0.waived }) || droppedErrors.contains(where: { $0.unwaived > 0 }) { return .failed }
        if !errors.isEmpty || !droppedErrors.isEmpty { return .waived }
        return .passed
    }

    func makeContext(_ check: CheckSpec, suite: Suite) -> CheckContext {
        var env = suite.env.isEmpty && check.env.isEmpty ? options.environment
            : CheckEnvironment.build(base: options.environment, suite: suite.env, check: check.env)
        let artifacts = options.reportsDirectory + "/" + check.verifierID + "/" + check.id
        env["GATE_CHECK_ID"] = check.id
        env["GATE_SUITE"] = suite.name
        env["GATE_ROOT"] = check.root
        env["GATE_ARTIFACTS"] = artifacts
        let state = options.stateDirectory ?? (suite.root + "/.gate")
        let observe = self.observe
        let id = check.id
        var context = CheckContext(
            checkID: check.id, suiteName: suite.name, root: check.root, cwd: check.cwd ?? check.root,
            environment: env, timeout: check.timeout, artifactsDirectory: artifacts, stateDirectory: state,
            // gate's own GATE_* variables hold no credential, so only a suite or check `env` changes the redactor.
            redactor: suite.env.isEmpty && check.env.isEmpty ? inheritedRedactor : Redactor(environment: env),
            progress: { message in observe(.progress(checkID: id, message: message)) })
        if !options.waivers.isEmpty {
            let waivers = options.waivers
            context.waives = { f in waivers.covers(f, checkID: id) }
        }
        return context
    }
}

/// `${NAME}` expansion in suite `env` values, against the environment built so far. `$$` is a literal `$`.
public enum EnvExpansion {
    public static func expand(_ value: String, _ env: [String: String]) -> String {
        guard value.contains("$") else { return value }
        var out = ""
        var i = value.startIndex
        while i < value.endIndex {
            let c = value[i]
            if c == "$" {
                let next = value.index(after: i)
                if next < value.endIndex, value[next] == "$" {
                    out.append("$")
                    i = value.index(after: next)
                    continue
                }
                if next < value.endIndex, value[next] == "{", let close = value[next...].firstIndex(of: "}") {
                    let name = String(value[value.index(after: next)..<close])
                    out += env[name] ?? ""
                    i = value.index(after: close)
                    continue
                }
            }
            out.append(c)
            i = value.index(after: i)
        }
        return out
    }
}

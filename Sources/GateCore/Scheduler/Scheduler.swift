/// Runs a suite's checks with bounded parallelism, respecting `needs`, per-check timeouts, `--fail-fast`
/// and cancellation. Every check ends with exactly one result; nothing is dropped.
///
/// Cancelling the task that calls `run` (SIGINT in the CLI) stops launching, cancels the running checks
/// (their process groups are killed), and still returns a result for every check.
public struct Scheduler: Sendable {
    public let options: RunOptions
    let observe: @Sendable (ProgressEvent) -> Void
    /// The redactor of the inherited environment, shared by every check that adds no `env` of its own.
    let inheritedRedactor: Redactor
    /// The working directory, read once: results name their root relative to it (getcwd per check showed).
    let workingDirectory: String

    public init(options: RunOptions, progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }) {
        self.options = options
        self.observe = progress
        self.inheritedRedactor = Redactor(environment: options.environment)
        self.workingDirectory = PathUtil.currentDirectory
    }

    /// The results, in suite order, and whether the run was interrupted.
    public struct Outcome: Sendable {
        public var results: [CheckResult]
        public var interrupted: Bool
    }

    public func run(_ suite: Suite, selection: Selection) async -> Outcome {
        let checks = suite.checks
        let index = Dictionary(checks.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let needs: [[Int]] = checks.map { $0.needs.compactMap { index[$0] } }
        var results = [CheckResult?](repeating: nil, count: checks.count)
        var pending = selection.selected.compactMap { index[$0] }
        var stopReason: String?
        var interrupted = false
        let jobs = options.jobs

        for (id, why) in selection.excluded {
            guard let i = index[id] else { continue }
            results[i] = notRun(checks[i], reason: why)
        }

        await withTaskGroup(of: (Int, CheckResult).self) { group in
            var running = 0

            func settle(_ i: Int, _ result: CheckResult) {
                results[i] = result
                observe(.finished(result))
            }

            // Launches what is ready and skips what can no longer run, in suite order. Repeats until no check
            // is skipped, because a skip can make a later check skippable (a launch cannot: it settles
            // nothing). `pending` is compacted in place: this runs after every check.
            func launchReady() {
                var skipped = true
                while skipped {
                    skipped = false
                    var kept = 0
                    for k in pending.indices {
                        let i = pending[k]
                        if let why = stopReason {
                            settle(i, notRun(checks[i], reason: why))
                            skipped = true
                            continue
                        }
                        var waiting = false, bad: Int?
                        for n in needs[i] {
                            guard let r = results[n] else { waiting = true; break }
                            if bad == nil, !r.status.satisfiesNeeds { bad = n }
                        }
                        if !waiting, let bad {
                            let status = results[bad]!.status
                            let detail = status == .skipped ? "was skipped" : "ended \(status.rawValue)"
                            settle(i, notRun(checks[i], reason: "needs '\(checks[bad].id)', which \(detail)"))
                            skipped = true
                            continue
                        }
                        if waiting || running >= jobs {
                            pending[kept] = i
                            kept += 1
                            continue
                        }
                        running += 1
                        let check = checks[i]
                        group.addTask { (i, await self.execute(check, suite: suite)) }
                    }
                    pending.removeLast(pending.count - kept)
                }
            }

            launchReady()
            while let (i, result) = await group.next() {
                running -= 1
                settle(i, result)
                if Task.isCancelled, stopReason == nil {
                    interrupted = true
                    stopReason = "the run was interrupted before it started"
                }
                if options.failFast, result.blocksRun, stopReason == nil {
                    stopReason = "--fail-fast stopped the run after '\(result.id)' \(result.status.rawValue)"
                }
                launchReady()
            }
            if Task.isCancelled { interrupted = true }
            // Anything still pending (only possible after a stop) is skipped.
            if !pending.isEmpty {
                if stopReason == nil { stopReason = "the run was interrupted before it started" }
                launchReady()
            }
        }
        return Outcome(results: results.compactMap { $0 }, interrupted: interrupted || Task.isCancelled)
    }

    /// The result of a check that did not run, redacted like every other (`execute`).
    func notRun(_ c: CheckSpec, reason: String) -> CheckResult {
        inheritedRedactor.scrub(CheckResult(
            id: c.id, verifier: c.verifierID, description: c.description, status: .skipped, required: c.required,
            summary: "skipped: \(reason)", reason: reason, rules: c.verifier.evaluatedRules,
            tags: c.tags, source: c.location.file == "--set" ? nil : "\(c.location.file):\(c.location.line)",
            root: PathUtil.relative(c.root, to: workingDirectory)))
    }
}

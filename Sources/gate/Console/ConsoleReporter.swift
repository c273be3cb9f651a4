import Dispatch
import Foundation
import GateCore
import GateKit
import GateReports
@preconcurrency import Rainbow
import Synchronization

/// The console view of a run. On a terminal: finished checks scroll above a live block of running checks
/// with their elapsed time and progress, redrawn ten times a second, then a summary table. Otherwise
/// (a pipe, or CI set): one stable line per finished check and a summary, no cursor movement.
final class ConsoleReporter: Sendable {
    private struct Running {
        var start: ContinuousClock.Instant
        var message: String?
    }

    private struct State {
        var running: [(id: String, info: Running)] = []
        var drawnLines = 0
        var finished = 0
        var frame = 0
        var interrupted = false
    }

    private let live: Bool
    private let quiet: Bool
    private let verbose: Bool
    private let suite: Suite
    private let total: Int
    private let jobs: Int
    private let idWidth: Int
    private let state = Mutex(State())
    // Dispatch sources are thread-safe; the type just is not marked Sendable.
    nonisolated(unsafe) private let timer: (any DispatchSourceTimer)?
    private let clock = ContinuousClock()

    /// Set when the run is one shard of its suite.
    let shard: ShardInfo?

    init(options: OutputOptions, suite: Suite, selection: Selection, jobs: Int, shard: ShardInfo? = nil) {
        self.shard = shard
        Rainbow.enabled = Terminal.colorAllowed(flagDisabled: options.noColor)
        live = Terminal.liveAllowed && !options.quiet
        quiet = options.quiet
        verbose = options.verbose
        self.suite = suite
        total = selection.selected.count
        self.jobs = jobs
        idWidth = min(32, suite.checks.map(\.id.count).max() ?? 8)
        if live {
            let t = DispatchSource.makeTimerSource(queue: .global())
            t.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
            timer = t
        } else if !options.quiet {
            // CI logs: a line now and then for checks still running, so that a long check is not silence.
            let t = DispatchSource.makeTimerSource(queue: .global())
            let every = Self.stillRunningInterval
            t.schedule(deadline: .now() + every, repeating: every)
            timer = t
        } else {
            timer = nil
        }
    }

    /// How often a non-terminal run prints the checks still running: 30 s, or GATE_PROGRESS_INTERVAL
    /// seconds (for tests and for CI systems that kill a job silent for less).
    static var stillRunningInterval: DispatchTimeInterval {
        if let v = ProcessInfo.processInfo.environment["GATE_PROGRESS_INTERVAL"], let n = Double(v), n >= 0.1, n <= 3600 {
            return .milliseconds(Int(n * 1000))
        }
        return .seconds(30)
    }

    /// "... migrations still running (1m30s): applying 0003" for each running check.
    private func printStillRunning() {
        let lines: String = state.withLock { s in
            s.running.map { id, info in
                var line = "... \(id) still running (\(DurationParsing.format(clock.now - info.start)))"
                if let m = info.message { line += ": \(m)" }
                return line + "\n"
            }.joined()
        }
        if !lines.isEmpty { Terminal.write(lines) }
    }

    func begin() {
        // Under GitHub Actions, check text is printed with workflow commands off (GitHubOutput resumes).
        Terminal.pauseWorkflowCommands()
        if !quiet {
            let skipped = suite.checks.count - total
            var line = "gate \(GateVersion.current) · suite \(suite.name) · \(Self.count(total, "check"))"
            if skipped > 0 { line += " (\(skipped) not selected)" }
            if let s = shard { line += " · shard \(s.index)/\(s.count) of \(s.suiteChecks.count) checks (\(s.balance.rawValue))" }
            line += " · \(jobs) \(jobs == 1 ? "job" : "jobs") · root \(VisibleText.line(PathUtil.display(suite.root)))"
            Terminal.write(line.bold + "\n")
        }
        if live {
            timer?.setEventHandler { [self] in redraw(permanent: "") }
        } else {
            timer?.setEventHandler { [self] in printStillRunning() }
        }
        timer?.resume()
    }

    func handle(_ event: ProgressEvent) {
        switch event {
        case .started(let id):
            state.withLock { $0.running.append((id, Running(start: clock.now))) }
            if live { redraw(permanent: "") }
        case .progress(let id, let message):
            state.withLock { s in
                if let i = s.running.firstIndex(where: { $0.id == id }) { s.running[i].info.message = VisibleText.line(message) }
            }
        case .finished(let result):
            state.withLock { s in
                s.running.removeAll { $0.id == result.id }
                s.finished += 1
            }
            let text = lines(for: result)
            if live {
                redraw(permanent: text)
            } else if !text.isEmpty {
                Terminal.write(text)
            }
        }
    }

    func interrupted(by signal: Int32) {
        state.withLock { $0.interrupted = true }
        note("\ninterrupted (\(SignalNames.name(signal))): stopping checks and writing reports"
             + " (press Ctrl-C again to kill every check now, without its kill-grace)\n")
    }

    /// A signal after every check had finished: the run is complete and is not marked interrupted.
    func signalAfterChecks(_ signal: Int32) {
        note("\n\(SignalNames.name(signal)) after every check had finished: the run is complete;"
             + " finishing its reports (the exit code stays the run's)\n")
    }

    /// The second interrupt.
    func killedEveryCheck(checksFinished: Bool) {
        note(checksFinished
             ? "\nstill finishing the reports; a third interrupt exits at once (130) without them\n"
             : "\nsecond interrupt: killed every check without its kill-grace; writing the reports"
               + " (a third interrupt exits at once)\n")
    }

    /// Checks stopped by a timeout or an interrupt whose processes are still in their kill-grace.
    func waitingForGroups(_ count: Int) {
        note("waiting for \(count) stopped check(s) to exit (at most the check's kill-grace, capped at "
             + "\(Int(ProcessSpec.maxKillGrace.seconds))s); Ctrl-C kills them now\n")
    }

    private func note(_ text: String) {
        if live { redraw(permanent: text.yellow) } else { Terminal.write(text) }
    }

    func finish(_ result: GateRun.Result, reports: ReportSet, orphansKilled: Int) {
        timer?.cancel()
        if live { redraw(permanent: "", final: true) }
        let r = result.report
        var out = ""
        if live && !quiet { out += "\n" + table(r) }
        let counts = r.statusCounts
        let parts = CheckStatus.allCases.compactMap { s -> String? in
            guard let n = counts[s], n > 0 else { return nil }
            return "\(n) \(s.rawValue)"
        }
        let cached = r.checks.filter { $0.cached == true }.count
        var summary = "\(Self.count(r.checks.count, "check")): \(parts.joined(separator: ", "))"
            + (cached > 0 ? " (\(cached) cached)" : "") + " in "
            + DurationParsing.format(.milliseconds(r.durationMs)) + ". "
        summary += "Result: \(r.status.rawValue) (exit \(result.exitCode))."
        let colored: String
        switch r.status {
        case .passed: colored = summary.green.bold
        case .failed: colored = summary.red.bold
        case .error: colored = summary.magenta.bold
        case .interrupted: colored = summary.yellow.bold
        }
        out += colored + "\n"
        if let p = r.partial, !quiet {
            out += "Partial run (\(VisibleText.line(p))): the history leaves it out of pass rates and charts.\n"
        }
        let pending = r.checks.filter(Checklist.isPending)
        if !pending.isEmpty && !quiet {
            out += "\(pending.count) manual \(pending.count == 1 ? "item needs" : "items need") a sign-off: "
                + pending.map(\.id).joined(separator: ", ") + ". When done: gate attest ID --by NAME --note TEXT"
                + (r.status == .failed && pending.contains(where: { $0.required && $0.status == .failed })
                    ? " (or run with --allow-pending-manual)" : "") + "\n"
        }
        for note in result.notes { out += "note: \(VisibleText.line(note))\n" }
        if orphansKilled > 0 {
            out += "note: killed \(orphansKilled) leftover process(es) that escaped their checks' process groups\n"
        }
        if !reports.targets.isEmpty && !quiet {
            let paths = reports.targets.sorted { $0.key.rawValue < $1.key.rawValue }.map { VisibleText.line(PathUtil.display($0.value)) }
            out += "Reports: " + paths.joined(separator: ", ") + "\n"
        } else if reports.targets.isEmpty && !quiet {
            out += "No report files were written: add --reports DIR for every format, or --json, --junit, --sarif, "
                + "--markdown or --html PATH for one.\n"
        }
        Terminal.write(out)
        for failure in result.writeFailures { Terminal.writeError("error: \(VisibleText.line(failure))\n") }
    }

    // MARK: Rendering

    private func label(_ r: CheckResult) -> String {
        if Checklist.isPending(r) { return "PENDING ".blue.bold }
        let text: String
        switch r.status {
        case .passed: text = "PASS"
        case .failed: text = r.required ? "FAIL" : "WARN"
        case .error: text = "ERROR"
        case .timedOut: text = "TIMEOUT"
        case .skipped: text = "SKIP"
        case .waived: text = "WAIVED"
        }
        let padded = text.padding(toLength: 8, withPad: " ", startingAt: 0)
        switch r.status {
        case .passed: return padded.green
        case .failed: return r.required ? padded.red.bold : padded.yellow
        case .error: return padded.magenta.bold
        case .timedOut: return padded.red
        case .skipped: return padded.dim
        case .waived: return padded.yellow
        }
    }

    /// The permanent lines for a finished check (empty when --quiet hides it).
    private func lines(for r: CheckResult) -> String {
        let bad = r.status == .failed || r.status == .error || r.status == .timedOut
        if quiet && !bad { return "" }
        let duration = r.status == .skipped ? "-" : DurationParsing.format(.milliseconds(r.durationMs))
        var out = label(r) + " " + r.id.padding(toLength: max(idWidth, r.id.count), withPad: " ", startingAt: 0)
            + "  " + duration.padding(toLength: 7, withPad: " ", startingAt: 0) + "  "
            + fit((r.cached == true ? "(cached) " : "") + (r.slice.map { "[slice \($0)] " } ?? "") + r.summary,
                  used: idWidth + 19)
            + "\n"
        // An expired waiver is always shown: without it, an error that was waived yesterday comes back
        // with no reason given.
        let shown = r.findings.filter {
            !$0.waived && ($0.severity == .error || verbose || $0.rule == CoreRules.waiverExpired.id)
        }
            .sorted { $0.severity != $1.severity ? $0.severity > $1.severity : Finding.reportOrder($0, $1) }
        let limit = verbose ? shown.count : 5
        for f in shown.prefix(limit) {
            var loc = f.path ?? ""
            if let l = f.line, !loc.isEmpty { loc += ":\(l)" }
            let sev = f.severity == .error ? f.severity.rawValue.red : f.severity.rawValue.yellow
            // Text from the check: control characters shown, a multi-line message indented under its finding.
            let place = loc.isEmpty ? "" : VisibleText.line(loc) + " "
            out += "    \(sev) \(VisibleText.line(f.rule).dim) \(place)\(VisibleText.lines(f.message, indent: "        "))\n"
        }
        if shown.count > limit { out += "    … \(shown.count - limit) more (see the reports, or use --verbose)\n".dim }
        if bad, verbose, let log = r.log {
            let tail = log.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).suffix(30)
            out += tail.map { "    │ " + VisibleText.line($0.hasSuffix("\r") ? String($0.dropLast()) : String($0)) }
                .joined(separator: "\n") + "\n"
        }
        return out
    }

    /// "1 check", "2 checks".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    private func fit(_ s: String, used: Int) -> String {
        let oneLine = VisibleText.line(s.replacingOccurrences(of: "\n", with: " "))
        guard live, let w = Terminal.width, w - used > 10, oneLine.count > w - used else { return oneLine }
        return String(oneLine.prefix(w - used - 1)) + "…"
    }

    private static let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// Erases the live block, prints `permanent`, and draws the live block again.
    private func redraw(permanent: String, final: Bool = false) {
        state.withLock { s in
            var out = ""
            if s.drawnLines > 0 { out += "\u{1B}[\(s.drawnLines)A\r\u{1B}[J" }
            out += permanent
            s.drawnLines = 0
            if !final {
                s.frame += 1
                let width = Terminal.width ?? 100
                let spin = Self.spinner[s.frame % Self.spinner.count]
                for (id, info) in s.running {
                    let elapsed = DurationParsing.format(clock.now - info.start)
                    var line = "  \(spin) \(id)  \(elapsed)"
                    if let m = info.message { line += "  \(m)" }
                    if line.count > width - 1 { line = String(line.prefix(width - 2)) + "…" }
                    out += line.cyan + "\n"
                    s.drawnLines += 1
                }
                let status = "  \(s.finished)/\(total) done, \(s.running.count) running"
                out += status.dim + "\n"
                s.drawnLines += 1
            }
            Terminal.write(out)
        }
    }

    private func table(_ r: RunReport) -> String {
        var out = ("  " + "status".padding(toLength: 10, withPad: " ", startingAt: 0)
            + "check".padding(toLength: idWidth + 2, withPad: " ", startingAt: 0) + "duration  findings").dim + "\n"
        for c in r.checks {
            let n = c.findingCounts.values.reduce(0, +)
            let d = c.status == .skipped ? "-" : DurationParsing.format(.milliseconds(c.durationMs))
            out += "  " + label(c) + "  " + c.id.padding(toLength: idWidth + 2, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: max(0, 8 - d.count)) + d + "  " + String(format: "%8d", n) + "\n"
        }
        return out
    }
}

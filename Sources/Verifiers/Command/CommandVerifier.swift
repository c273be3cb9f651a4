import Foundation
import GateCore

/// Turns any program into a check (the plugin protocol).
///
/// - **Verdict**: a program that reported findings (GATE_FINDINGS or its ingested report) and exited
///   with a success or finding code (default 1) is judged by its findings: an un-waived `error` finding
///   fails the check, and waiving them all unblocks it. A program that reported none is judged by its exit
///   code. A signal, or a code outside `success-codes` and `finding-codes`, fails with
///   `command/exit-status` either way; 126 and 127 ("cannot run") are errors, like a missing argv program.
/// - **Findings**: the program may write JSON Lines to the file named by `GATE_FINDINGS`
///   (`{"rule","severity","message","path","line"}`); they are merged into every report. A bad line is
///   a `command/invalid-finding` warning naming its line number; the good lines are kept.
/// - **Native reports**: `report: {format: junit|sarif, path: ...}` ingests the tool's own report, so a
///   pytest JUnit file or another scanner's SARIF becomes gate findings.
/// - **Processes**: the program runs in its own process group with the merged environment and `cwd`. A
///   timeout or an interrupt stops the whole group (SIGTERM, then SIGKILL after `kill-grace`), and
///   anything the program leaves running after it exits is killed. stdout and stderr are kept (the last
///   64 KiB of each) as the check's log; the scheduler redacts it with the rest of the result.
public struct CommandVerifier: Verifier {
    public static let descriptor = VerifierDescriptor(
        id: "command",
        summary: "Runs any program as a check: exit code, GATE_FINDINGS JSON Lines, or its JUnit/SARIF report.",
        discussion: """
            A check written as `run: <command>` is shorthand for `uses: command` with `with: {run: <command>}`.
            A string runs under /bin/sh -c; a list runs as an argv without a shell.

            The program sees GATE_FINDINGS (a file to append JSON Lines findings to), GATE_CHECK_ID, GATE_SUITE,
            GATE_ROOT and GATE_ARTIFACTS (a directory for files worth keeping), plus the suite's and the check's
            `env`. A timeout kills the whole process group, and anything left running after the program exits
            is killed too, so no check leaks processes.

            The verdict:
            - The program reported findings and exited with a code in `success-codes` or `finding-codes`
              (default 1, what pytest, ruff, eslint and semgrep use for "found something"): the findings
              decide. An un-waived `error` finding fails the check; when every error finding is waived the
              check is `waived`. The exit code is not a finding of its own, so a waiver unblocks the check
              without hiding the next real failure.
            - The program reported no findings: a code in `success-codes` (default 0) passes, any other
              code fails with `command/exit-status`.
            - Whatever it reported: death by a signal, or a code outside both lists, fails with
              `command/exit-status`; an un-waived `error` finding fails the check even when it exited 0.
            - Exit 126 or 127 (the shell could not run it), like a list-form program that is not there,
              is "cannot run": the check errors (gate exits 3).
            """,
        parameters: [
            ParameterSpec("run", .command, required: true,
                          "The program: a string for /bin/sh -c, or a list for an argv without a shell."),
            ParameterSpec("report", .map,
                          "Ingest the program's own report: {format: junit|sarif, path: FILE}. The path resolves "
                          + "against the check's cwd. Failed and errored testcases (JUnit) or results (SARIF) become findings."),
            ParameterSpec("success-codes", .any, default: "[0]", "Exit codes that count as passing."),
            ParameterSpec("finding-codes", .any, default: "[1]",
                          "Exit codes that mean \"I reported findings\": with findings reported, they decide the verdict."),
            ParameterSpec("kill-grace", .duration, default: "5s",
                          "Time between SIGTERM and SIGKILL when the check is stopped (timeout, Ctrl-C); at most 60s."),
            ParameterSpec("findings", .bool, default: "true", "Set GATE_FINDINGS and ingest what the program writes there."),
        ],
        rules: [
            RuleDescriptor("command/exit-status",
                           "The program exited with a failing code and reported no findings, exited with a code "
                           + "outside success-codes and finding-codes, or was killed by a signal.",
                           help: "Read the check's log (stdout and stderr are kept) and fix what the program reports."),
            RuleDescriptor("command/invalid-finding", "A GATE_FINDINGS line is not a valid finding.", severity: .warning,
                           help: "Each line must be a JSON object with at least 'rule' and 'message'."),
            RuleDescriptor("command/test-failure", "A test in the ingested JUnit report failed."),
            RuleDescriptor("command/test-error", "A test in the ingested JUnit report errored."),
            RuleDescriptor("command/report-missing", "The report named by 'report.path' was not written.",
                           help: "Make the program write its report to the configured path, or fix 'report.path'."),
            RuleDescriptor("command/report-invalid", "The report named by 'report.path' could not be parsed."),
        ],
        examples: [
            VerifierExample("A passing program", with: "run: exit 0", expect: .passed),
            VerifierExample("A failing program", with: "run: exit 3", expect: .failed, expectRules: ["command/exit-status"]),
            VerifierExample(
                "Findings through GATE_FINDINGS",
                with: #"run: echo '{"rule":"lint/todo","severity":"warning","message":"TODO left","path":"a.txt","line":1}' >> "$GATE_FINDINGS""#,
                files: ["a.txt": "TODO\n"], expect: .passed, expectRules: ["lint/todo"]),
            VerifierExample(
                "Ingesting a JUnit report (a failed test fails the check)",
                with: "run: 'true'\nreport: {format: junit, path: junit.xml}",
                files: ["junit.xml": """
                    <testsuite name="t" tests="2" failures="1"><testcase classname="m" name="ok"/>\
                    <testcase classname="m" name="bad"><failure message="boom"/></testcase></testsuite>
                    """],
                expect: .failed, expectRules: ["command/test-failure"]),
            VerifierExample(
                "A linter that exits 1 with its findings: they decide, not the exit code",
                with: #"run: echo '{"rule":"lint/style","severity":"warning","message":"long line","path":"a.txt","line":1}' >> "$GATE_FINDINGS"; exit 1"#,
                files: ["a.txt": "x\n"], expect: .passed, expectRules: ["lint/style"]),
        ])

    let command: ProcessSpec.Command
    let report: (format: ReportKind, path: String)?
    let successCodes: Set<Int32>
    let findingCodes: Set<Int32>
    let killGrace: Duration
    let collectFindings: Bool

    enum ReportKind: String, CaseIterable { case junit, sarif }

    public var evaluatedRules: [String] {
        var rules = ["command/exit-status"]
        if collectFindings { rules.append("command/invalid-finding") }
        switch report?.format {
        case .junit?: rules += ["command/report-missing", "command/report-invalid", "command/test-failure", "command/test-error"]
        case .sarif?: rules += ["command/report-missing", "command/report-invalid"]
        case nil: break
        }
        return rules
    }

    private static let defaultSuccessCodes: Set<Int32> = [0]
    /// The exit code that means "I found something" for pytest, ruff, eslint, semgrep, mypy and most linters.
    private static let defaultFindingCodes: Set<Int32> = [1]

    /// The program runs through ProcessRunner, which stops its process group when the task is cancelled;
    /// what follows (reading a findings or report file) is bounded in size.
    public static var stopsPromptlyWhenCancelled: Bool { true }

    public init(parameters p: Parameters) throws(ConfigError) {
        guard let run = p["run"] else { throw .missingKey(p.location, key: "run", context: "a 'command' check") }
        if let s = run.string {
            // Character.isWhitespace rather than Foundation's CharacterSet, whose trimming cost more than the
            // rest of this initialiser for each check of a suite.
            guard s.contains(where: { !$0.isWhitespace }) else { throw p.error("run", "the command is empty") }
            command = .shell(s)
        } else if let list = run.stringList, let first = list.first, !first.isEmpty {
            command = .argv(list)
        } else {
            throw p.error("run", "give a command string or a non-empty list of arguments")
        }
        if let r = p["report"], !r.isNull {
            let allowed = ["format", "path"]
            for e in r.mapping ?? [] where !allowed.contains(e.key) {
                throw .unknownKey(e.keyLocation, key: e.key, context: "'report'", valid: allowed)
            }
            guard let f = r["format"]?.string, let kind = ReportKind(rawValue: f) else {
                throw .invalidValue(r["format"]?.location ?? r.location, key: "report.format",
                                    expected: "'junit' or 'sarif'", got: r["format"]?.typeDescription ?? "nothing")
            }
            guard let path = r["path"]?.string, !path.isEmpty else {
                throw .missingKey(r.location, key: "path", context: "'report'")
            }
            report = (kind, path)
        } else {
            report = nil
        }
        successCodes = try Self.exitCodes(p, "success-codes") ?? Self.defaultSuccessCodes
        findingCodes = try Self.exitCodes(p, "finding-codes") ?? Self.defaultFindingCodes
        if let bad = findingCodes.first(where: { $0 == 126 || $0 == 127 }) {
            throw p.error("finding-codes", "\(bad) means the program could not be run, never that it found something")
        }
        killGrace = try p.duration("kill-grace") ?? .seconds(5)
        // gate waits for a stopped check's processes before it exits, so the grace has a ceiling.
        guard killGrace <= ProcessSpec.maxKillGrace else {
            throw p.error("kill-grace", "must be at most \(Int(ProcessSpec.maxKillGrace.seconds))s "
                          + "(gate waits that long at most for a stopped check before SIGKILL)")
        }
        collectFindings = try p.bool("findings", default: true)
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        var env = context.environment
        let findingsFile = collectFindings ? try FindingsFile.create(environment: env) : nil
        defer { if let f = findingsFile { FindingsFile.discard(f) } }
        if let f = findingsFile { env["GATE_FINDINGS"] = f }

        let spec = ProcessSpec(command, environment: env, cwd: context.cwd, killGrace: killGrace)
        let result = try await ProcessRunner.run(spec)
        if result.cancelled || result.timedOut { throw CancellationError() }

        // Findings from the program (GATE_FINDINGS, its report) can be many and large: a collector keeps the
        // first of each rule and of the check, each field cut to size, and counts the rest.
        var collector = FindingCollector(context)
        var extraRules: [RuleDescriptor] = []
        var testcases: TestcaseLayout?
        var stats: [String: JSONValue] = [
            "stdoutBytes": .int(result.stdout.totalBytes),
            "stderrBytes": .int(result.stderr.totalBytes),
        ]
        var notes: [String] = []

        if result.killedLeftovers { notes.append("processes it left running were killed") }
        if let cannot = Self.cannotRun(result, command: command) { throw cannot }

        // What the program itself reported (GATE_FINDINGS lines, its ingested report), counted whether the
        // collector keeps each finding or not; invalid lines and report problems are gate's own findings.
        var reported = 0
        if let f = findingsFile {
            let ingested = FindingsFile.read(f, root: context.root, into: &collector)
            if ingested.lines > 0 { stats["gateFindingsLines"] = .int(ingested.lines) }
            if ingested.findings > 0 { notes.append("\(ingested.findings) \(ingested.findings == 1 ? "finding" : "findings") from GATE_FINDINGS") }
            reported += ingested.findings
        }
        var reportMissing = false
        if let report {
            let path = PathUtil.resolve(report.path, against: context.cwd)
            if !FileManager.default.fileExists(atPath: path) {
                reportMissing = true
            } else {
                let ingested: Ingested
                switch report.format {
                case .junit: ingested = JUnitIngest.read(path, root: context.root, collector: FindingCollector(context))
                case .sarif: ingested = SARIFIngest.read(path, root: context.root, collector: FindingCollector(context))
                }
                if let problem = ingested.problem {
                    collector.append(Finding(rule: "command/report-invalid",
                                             message: "'\(context.relative(path))': \(problem)", identity: report.path))
                }
                reported += ingested.collector.count
                collector.merge(ingested.collector)
                extraRules += ingested.rules
                testcases = ingested.testcases
                for (k, v) in ingested.stats { stats[k] = v }
                if let s = ingested.summary { notes.append(s) }
            }
        }

        // The verdict. A program that reported findings is judged by them (so that waivers can unblock it),
        // and its exit status counts only when it reported none, or when the status means more than "I found
        // something": a code outside success-codes and finding-codes, or a signal.
        var exitFinding: Finding?
        let exitedWell: Bool
        switch result.termination {
        case .exited(let code):
            stats["exitCode"] = .int(Int(code))
            exitedWell = successCodes.contains(code)
            let judgedByFindings = reported > 0 && findingCodes.contains(code)
            if !exitedWell && !judgedByFindings {
                exitFinding = Finding(
                    rule: "command/exit-status", message: "'\(Self.short(command))' exited with code \(code)"
                        + Self.lastLine(result.stderr.text, or: result.stdout.text),
                    identity: "exit-status", help: "Read the check's log for the program's own output.")
            }
            if judgedByFindings && !exitedWell { notes.append("exit code \(code) counted as 'findings reported'") }
        case .signaled(let sig):
            stats["signal"] = .string(SignalNames.name(sig))
            exitedWell = false
            exitFinding = Finding(
                rule: "command/exit-status",
                message: "'\(Self.short(command))' was killed by \(SignalNames.name(sig))", identity: "exit-status")
        }
        if let exitFinding { collector.append(exitFinding) }
        if reportMissing, let report {
            collector.append(Finding(
                rule: "command/report-missing", severity: exitedWell ? .error : .warning,
                message: "the \(report.format.rawValue) report '\(report.path)' was not written",
                identity: report.path))
        }
        let errors = collector.countsBySeverity[.error] ?? 0

        // Credentials in what the program said (output, findings, reports) are redacted where every
        // result leaves the scheduler (Redactor), not here field by field.
        let (findings, dropped) = collector.finish()
        // No durations in the summary: reports must be identical across runs apart from time fields.
        var summary: String
        if let exitFinding {
            summary = exitFinding.message
        } else if case .exited(let c) = result.termination {
            summary = "exited \(c)" + (c != 0 && exitedWell ? " (allowed)" : "")
            if errors > 0 { summary += ", \(errors) error \(errors == 1 ? "finding" : "findings")" }
        } else {
            summary = "failed"
        }
        if !notes.isEmpty { summary += "; " + notes.joined(separator: "; ") }
        // No explicit status: the scheduler derives it from the findings (an un-waived error fails the
        // check whatever the exit code) and waivers apply to every one of them.
        return CheckOutcome(
            findings: findings, summary: summary, stats: stats, rules: evaluatedRules, extraRules: extraRules,
            log: Self.log(result), testcases: testcases, dropped: dropped)
    }

    /// A program that could not be started by the shell (126: not executable, 127: not found), or
    /// an argv whose launcher said so (env, xargs, nohup use the same codes): "cannot run" is the same
    /// verdict as a missing argv program (an error, exit 3), not a failed check.
    static func cannotRun(_ result: ProcessResult, command: ProcessSpec.Command) -> VerifierError? {
        guard case .exited(let code) = result.termination, code == 126 || code == 127 else { return nil }
        let why = code == 127 ? "command not found" : "found but not executable"
        let said = lastLine(result.stderr.text, or: result.stdout.text)
        return VerifierError("cannot run '\(short(command))' (exit \(code), \(why))\(said); "
            + "install the program, fix its path, or check its permissions")
    }

    static func exitCodes(_ p: Parameters, _ key: String) throws(ConfigError) -> Set<Int32>? {
        guard let codes = p[key], !codes.isNull else { return nil }
        var set: Set<Int32> = []
        for item in codes.sequence ?? [codes] {
            guard let i = item.int, (0...255).contains(i) else {
                throw .invalidValue(item.location, key: key, expected: "exit codes from 0 to 255", got: item.typeDescription)
            }
            set.insert(Int32(i))
        }
        return set
    }

    static func short(_ c: ProcessSpec.Command) -> String {
        let s = c.description
        return s.count > 80 ? String(s.prefix(77)) + "..." : s
    }

    /// ": <last non-empty line of stderr (or stdout)>", for the failure message.
    static func lastLine(_ primary: String, or secondary: String) -> String {
        for text in [primary, secondary] {
            if let line = text.split(whereSeparator: \.isNewline).last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                let l = line.trimmingCharacters(in: .whitespaces)
                return ": " + (l.count > 200 ? String(l.prefix(197)) + "..." : l)
            }
        }
        return ""
    }

    static func log(_ r: ProcessResult) -> String? {
        var parts: [String] = []
        for (name, out) in [("stdout", r.stdout), ("stderr", r.stderr)] where out.totalBytes > 0 {
            let header = out.truncated
                ? "--- \(name) (last \(out.bytes.count) of \(out.totalBytes) bytes) ---"
                : "--- \(name) ---"
            parts.append(header + "\n" + out.text)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }
}

/// What an ingestion produced.
struct Ingested {
    /// The findings, kept within the check's limits.
    var collector = FindingCollector()
    var rules: [RuleDescriptor] = []
    var stats: [String: JSONValue] = [:]
    var summary: String?
    var problem: String?

    /// The findings kept, in report order.
    var findings: [Finding] {
        var c = collector
        return c.finish().findings
    }
    /// The report's own testcases, passed through to gate's JUnit report.
    var testcases: TestcaseLayout?
}

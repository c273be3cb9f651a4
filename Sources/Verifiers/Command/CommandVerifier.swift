import Foundation
import GateCore

/// Turns any program into a check (the plugin protocol).
///
/// - **Passes** when the program exits with a success code (default 0); any other exit, or death by a
///   signal, fails the check with a `command/exit-status` finding.
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
            `env`. Exit code 0 passes (see `success-codes`); a timeout kills the whole process group, and
            anything left running after the program exits is killed too, so no check leaks processes.
            """,
        parameters: [
            ParameterSpec("run", .command, required: true,
                          "The program: a string for /bin/sh -c, or a list for an argv without a shell."),
            ParameterSpec("report", .map,
                          "Ingest the program's own report: {format: junit|sarif, path: FILE}. The path resolves "
                          + "against the check's cwd. Failed and errored testcases (JUnit) or results (SARIF) become findings."),
            ParameterSpec("success-codes", .any, default: "[0]", "Exit codes that count as passing."),
            ParameterSpec("kill-grace", .duration, default: "5s",
                          "Time between SIGTERM and SIGKILL when the check is stopped (timeout, Ctrl-C); at most 60s."),
            ParameterSpec("findings", .bool, default: "true", "Set GATE_FINDINGS and ingest what the program writes there."),
        ],
        rules: [
            RuleDescriptor("command/exit-status", "The program exited with a failing code or was killed by a signal.",
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
                "Ingesting a JUnit report",
                with: "run: 'true'\nreport: {format: junit, path: junit.xml}",
                files: ["junit.xml": """
                    <testsuite name="t" tests="2" failures="1"><testcase classname="m" name="ok"/>\
                    <testcase classname="m" name="bad"><failure message="boom"/></testcase></testsuite>
                    """],
                expect: .passed, expectRules: ["command/test-failure"]),
        ])

    let command: ProcessSpec.Command
    let report: (format: ReportKind, path: String)?
    let successCodes: Set<Int32>
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
        if let codes = p["success-codes"], !codes.isNull {
            let items = codes.sequence ?? [codes]
            var set: Set<Int32> = []
            for item in items {
                guard let i = item.int, (0...255).contains(i) else {
                    throw .invalidValue(item.location, key: "success-codes", expected: "exit codes from 0 to 255",
                                        got: item.typeDescription)
                }
                set.insert(Int32(i))
            }
            successCodes = set
        } else {
            successCodes = Self.defaultSuccessCodes
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
        var stats: [String: JSONValue] = [
            "stdoutBytes": .int(result.stdout.totalBytes),
            "stderrBytes": .int(result.stderr.totalBytes),
        ]
        var notes: [String] = []

        let passed: Bool
        var exitMessage: String?, exitHelp: String?
        switch result.termination {
        case .exited(let code):
            stats["exitCode"] = .int(Int(code))
            passed = successCodes.contains(code)
            if !passed {
                exitMessage = "'\(Self.short(command))' exited with code \(code)" + Self.lastLine(result.stderr.text, or: result.stdout.text)
                exitHelp = "Read the check's log for the program's own output."
            }
        case .signaled(let sig):
            stats["signal"] = .string(SignalNames.name(sig))
            passed = false
            exitMessage = "'\(Self.short(command))' was killed by \(SignalNames.name(sig))"
        }
        if let m = exitMessage {
            collector.append(Finding(rule: "command/exit-status", message: m, identity: "exit-status", help: exitHelp))
        }
        if result.killedLeftovers { notes.append("processes it left running were killed") }

        if let f = findingsFile {
            let ingested = FindingsFile.read(f, root: context.root, into: &collector)
            if ingested.lines > 0 { stats["gateFindingsLines"] = .int(ingested.lines) }
            if ingested.findings > 0 { notes.append("\(ingested.findings) findings from GATE_FINDINGS") }
        }

        var reportFailed = false
        if let report {
            let path = PathUtil.resolve(report.path, against: context.cwd)
            if !FileManager.default.fileExists(atPath: path) {
                reportFailed = passed
                collector.append(Finding(
                    rule: "command/report-missing", severity: passed ? .error : .warning,
                    message: "the \(report.format.rawValue) report '\(context.relative(path))' was not written",
                    identity: report.path))
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
                collector.merge(ingested.collector)
                extraRules += ingested.rules
                for (k, v) in ingested.stats { stats[k] = v }
                if let s = ingested.summary { notes.append(s) }
            }
        }

        // Credentials in what the program said (output, findings, reports) are redacted where every
        // result leaves the scheduler (Redactor), not here field by field.
        let (findings, dropped) = collector.finish()
        // No durations in the summary: reports must be identical across runs apart from time fields.
        var summary = passed ? "exited 0" : (exitMessage ?? "failed")
        if case .exited(let c) = result.termination, passed, c != 0 { summary = "exited \(c) (allowed)" }
        if !notes.isEmpty { summary += "; " + notes.joined(separator: "; ") }
        return CheckOutcome(
            findings: findings, summary: summary, stats: stats, rules: evaluatedRules, extraRules: extraRules,
            log: Self.log(result), status: passed && !reportFailed ? .passed : .failed, dropped: dropped)
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
}

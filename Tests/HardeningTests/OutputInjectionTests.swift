import Foundation
import GateTestSupport
import Testing

/// Issue 19 §5 on the built binary: text from a check must neither run as a GitHub Actions workflow command
/// nor drive the terminal. The workflow-command check replays stdout through a model of the runner's own
/// parser, so what counts is what GitHub would execute, not what a regular expression thinks it would.
@Suite struct OutputInjectionTests {
    /// A check that says hostile things everywhere it can: finding messages, paths and rules, its output
    /// (the log shown with -v), its last line (the summary of a failing program).
    static let plugin = #"""
        import json, os
        esc = "\x1b"
        hostile = [
            "first line\n::error file=INJECTED.py,line=1::pwned\n::add-path::/tmp/injected-path\n  ::set-env name=INJ::1",
            "title " + esc + "]0;pwned-window-title\x07 then" + esc + "[2K\rPASS totally-fine",
            "clipboard " + esc + "]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07 and csi \u009b31m and bidi \u202egnp.exe",
            "v1 command ##[add-path]/tmp/injected-v1 and ##[set-output name=x;]y",
        ]
        with open(os.environ["GATE_FINDINGS"], "a") as f:
            for i, m in enumerate(hostile):
                f.write(json.dumps({"rule": "x/r%d" % i, "message": m, "path": "src/ok%d.py" % i, "line": 1}) + "\n")
            f.write(json.dumps({"rule": "x/" + esc + "[31mred", "message": "rule with an escape",
                                "path": "a\n::error file=INJECTED-PATH.py::p", "line": 2}) + "\n")
        print("::add-path::/tmp/injected-from-log")
        print("   ::error file=INJECTED-LOG.py::from the log")
        print("log " + esc + "]0;log-title\x07 " + esc + "[2K\rPASS fake-from-log")
        print("##[add-path]/tmp/injected-v1-log")
        print("::add-mask::last-line " + esc + "]0;summary-title\x07")
        raise SystemExit(3)
        """#

    func run(env: [String: String], verbose: Bool = true) async throws -> (Completed, TempDir) {
        let dir = try TempDir("inject")
        try dir.write(["plugin.py": Self.plugin, "suite.yaml": """
            suite: inject
            checks:
              - id: hostile
                run: python3 plugin.py
            """])
        let r = try await Exec.gate(["run", "suite.yaml", "--no-history"] + (verbose ? ["-v"] : []), cwd: dir.path, env: env)
        #expect(r.code == 1, "exit \(r.code)\n\(r.stdout)\(r.stderr)")
        return (r, dir)
    }

    @Test func noWorkflowCommandFromCheckTextUnderGitHubActions() async throws {
        let summary = try TempDir("inject-summary")
        defer { summary.remove() }
        let (r, dir) = try await run(env: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary.file("summary.md")])
        defer { dir.remove() }
        let processed = RunnerModel.process(r.stdout) + RunnerModel.process(r.stderr)
        // What the runner executes: gate's own annotations, nothing that came from the check.
        for c in processed {
            #expect(["error", "warning", "notice"].contains(c.command), "the runner would run '\(c.line)'")
            // gate titles every annotation it writes; the injected ones carry none.
            #expect(c.properties["title"] != nil && c.properties["file"] != "INJECTED.py", "an injected annotation: \(c.line)")
        }
        #expect(processed.contains { $0.command == "error" && $0.properties["title"]?.contains("x/r0") == true },
                "gate's own annotations must still work: \(r.stdout)")
        // No line of check text starts with '::' on its own (after the leading blanks the runner strips).
        let ownLines = Set(processed.map(\.line))
        for line in r.stdout.split(separator: "\n").map(String.init)
        where line.drop { $0 == " " || $0 == "\t" }.hasPrefix("::") {
            #expect(ownLines.contains(line) || RunnerModel.isStopOrResume(line), "a line starting with '::': \(line)")
        }
        #expect(!r.stdout.contains("##[add-path]") && !r.stdout.contains("##[set-output"), "\(r.stdout)")
        // Commands are paused (with a token no check can know) while check text is printed, resumed after.
        let stops = r.stdout.split(separator: "\n").filter { $0.hasPrefix("::stop-commands::") }
        #expect(stops.count == 1, "\(r.stdout)")
        let token = String(stops.first?.dropFirst("::stop-commands::".count) ?? "")
        #expect(token.count >= 32, "token '\(token)'")
        #expect(r.stdout.contains("\n::\(token)::\n"), "no resume line")
        let md = try String(contentsOfFile: summary.file("summary.md"), encoding: .utf8)
        #expect(!md.utf8.contains(0x1B) && !md.utf8.contains(0x07), "raw escape in the step summary")
        for c in processed { #expect(!c.line.utf8.contains(0x1B) && !c.line.utf8.contains(0x07), "raw escape in \(c.line)") }
        let (again, dir2) = try await run(env: ["GITHUB_ACTIONS": "true"])
        defer { dir2.remove() }
        #expect(!again.stdout.contains("::stop-commands::\(token)"), "the token must change from run to run")
    }

    /// Without GITHUB_ACTIONS (gate inside a container of a workflow step, say) there is no pause, so the
    /// text itself must be inert: the runner would execute nothing at all.
    @Test func checkTextIsInertWithoutGitHubActions() async throws {
        let (r, dir) = try await run(env: [:])
        defer { dir.remove() }
        let processed = RunnerModel.process(r.stdout) + RunnerModel.process(r.stderr)
        #expect(processed.isEmpty, "the runner would run: \(processed.map(\.line))")
        #expect(!r.stdout.contains("::stop-commands::"))
    }

    /// Control characters from a check are shown, not obeyed, on the console, with and without -v.
    @Test func controlCharactersAreRenderedVisibly() async throws {
        for verbose in [true, false] {
            let (r, dir) = try await run(env: [:], verbose: verbose)
            defer { dir.remove() }
            for (name, byte) in [("ESC", UInt8(0x1B)), ("BEL", 0x07), ("CR", 0x0D)] {
                #expect(!r.stdout.utf8.contains(byte), "-v \(verbose): raw \(name) on stdout")
                #expect(!r.stderr.utf8.contains(byte), "-v \(verbose): raw \(name) on stderr")
            }
            #expect(!r.stdout.contains("\u{9B}") && !r.stdout.contains("\u{202E}"), "raw C1 or bidi control")
            #expect(r.stdout.contains(#"\x1b]0;pwned-window-title\x07"#), "not shown visibly:\n\(r.stdout)")
            #expect(r.stdout.contains(#"\x1b[2K\rPASS totally-fine"#), "\(r.stdout)")
            if verbose {
                #expect(r.stdout.contains(#"\x1b]0;log-title\x07"#), "log not shown visibly:\n\(r.stdout)")
                // Every line of a multi-line message sits under its finding, indented deeper than it.
                let lines = r.stdout.split(separator: "\n").map(String.init)
                let first = try #require(lines.firstIndex { $0.contains("first line") })
                let depth = lines[first].prefix { $0 == " " }.count
                #expect(lines[first + 1].contains(":error file=INJECTED.py"), "\(lines[first...].prefix(3))")
                #expect(lines[first + 1].prefix { $0 == " " }.count > depth, "\(lines[first + 1])")
                #expect(lines[first + 2].prefix { $0 == " " }.count > depth, "\(lines[first + 2])")
            }
        }
    }

    /// The same for the text gate prints from a suite, a command line and the state files.
    @Test func suiteTextOnEveryCommandIsRenderedVisibly() async throws {
        let dir = try TempDir("inject-suite")
        defer { dir.remove() }
        try dir.write(["suite.yaml": """
            suite: launch
            checks:
              - id: rollback
                manual: "Rollback \\e]0;manual-title\\a rehearsed\\n::error file=INJECTED-MANUAL::x"
                owner: "ops \\e[2K\\r"
                bind-to: none
            """, "bad.yaml": "checks:\n  - {id: a, run: 'true', timeout: \"\\e]0;error-title\\a\\n::error::x\"}\n"])
        let attest = try await Exec.gate(["attest", "rollback", "--suite", "suite.yaml", "--by", "al\u{1B}[31mice",
                                          "--note", "done \u{1B}]52;c;eA==\u{07}\n::add-path::/tmp/x"], cwd: dir.path)
        #expect(attest.code == 0, "\(attest.stderr)")
        let checklist = try await Exec.gate(["checklist", "suite.yaml"], cwd: dir.path)
        let run = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        let history = try await Exec.gate(["history", "suite.yaml"], cwd: dir.path)
        let invalid = try await Exec.gate(["validate", "bad.yaml"], cwd: dir.path)
        #expect(invalid.code == 2)
        let explain = try await Exec.gate(["explain", "x\u{1B}]0;explain-title\u{07}"], cwd: dir.path)
        #expect(explain.code == 2)
        for (label, r) in [("attest", attest), ("checklist", checklist), ("run", run), ("history", history),
                           ("validate", invalid), ("explain", explain)] {
            for out in [r.stdout, r.stderr] {
                #expect(!out.utf8.contains(0x1B) && !out.utf8.contains(0x07) && !out.utf8.contains(0x0D),
                        "\(label): raw control character in \(out)")
                #expect(RunnerModel.process(out).isEmpty, "\(label): a workflow command in \(out)")
            }
        }
        #expect(invalid.stderr.contains(#"\x1b]0;error-title\x07"#), "\(invalid.stderr)")
        #expect(checklist.stdout.contains(#"\x1b]0;manual-title\x07"#), "\(checklist.stdout)")
    }
}

/// The GitHub Actions runner's handling of workflow commands on one output stream, after
/// `src/Runner.Common/ActionCommand.cs` (`TryParseV2`: the line after `TrimStart()` starts with `::`;
/// `TryParse`: `##[` anywhere in the line) and `src/Runner.Worker/ActionCommandManager.cs`
/// (`TryProcessCommand`: `stop-commands` pauses everything until a command named by its token).
enum RunnerModel {
    struct Command {
        var command: String
        var properties: [String: String]
        var line: String
    }

    /// Commands registered in ActionCommandManager (the extensions' `Command` names and `stop-commands`).
    static let registered: Set<String> = ["stop-commands", "set-env", "set-output", "save-state", "add-mask", "add-path",
                                          "add-matcher", "remove-matcher", "debug", "warning", "error", "notice",
                                          "group", "endgroup", "echo"]

    static func parse(_ line: String, registered: Set<String>) -> Command? {
        // TryParseV2
        let trimmed = String(line.drop { $0.isWhitespace })
        if trimmed.hasPrefix("::"), let end = trimmed.dropFirst(2).range(of: "::") {
            let info = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)..<end.lowerBound])
            let name = String(info.split(separator: " ", maxSplits: 1).first ?? "")
            if registered.contains(name.lowercased()) {
                var props: [String: String] = [:]
                if let space = info.firstIndex(of: " ") {
                    for pair in info[info.index(after: space)...].split(separator: ",") {
                        let kv = pair.split(separator: "=", maxSplits: 1)
                        if kv.count == 2 { props[String(kv[0])] = String(kv[1]) }
                    }
                }
                return Command(command: name.lowercased(), properties: props, line: line)
            }
        }
        // TryParse (v1)
        if let prefix = line.range(of: "##["), let rb = line[prefix.upperBound...].firstIndex(of: "]") {
            let info = line[prefix.upperBound..<rb]
            let name = String(info.split(separator: " ", maxSplits: 1).first ?? "")
            if registered.contains(name.lowercased()) { return Command(command: name.lowercased(), properties: [:], line: line) }
        }
        return nil
    }

    /// The commands the runner would execute, in order (stop and resume themselves left out).
    static func process(_ output: String) -> [Command] {
        var registered = Self.registered
        var stopToken: String?
        var out: [Command] = []
        // StreamReader.ReadLine (src/Runner.Sdk/ProcessInvoker.cs) ends a line at LF, CR or CR LF.
        for raw in output.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            let line = String(raw)
            guard let c = parse(line, registered: registered) else { continue }
            if let token = stopToken {
                if c.command == token.lowercased() {
                    registered.remove(token.lowercased())
                    stopToken = nil
                }
                continue
            }
            if c.command == "stop-commands" {
                let trimmed = line.drop { $0.isWhitespace }
                let token = String(trimmed[trimmed.index(trimmed.startIndex, offsetBy: 2)...].split(separator: ":", omittingEmptySubsequences: true).dropFirst().joined(separator: ":"))
                stopToken = token
                registered.insert(token.lowercased())
                continue
            }
            out.append(c)
        }
        return out
    }

    static func isStopOrResume(_ line: String) -> Bool {
        line.hasPrefix("::stop-commands::") || (line.hasPrefix("::") && line.hasSuffix("::") && !line.contains(" "))
    }
}

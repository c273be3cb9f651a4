import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GateCore

/// Reads a JUnit XML report (pytest, Maven Surefire, Jest, go-junit-report...) and turns each failed or
/// errored testcase into a finding. External entities are never resolved.
enum JUnitIngest {
    /// Testcases passed through to gate's JUnit report (each with at most 512 bytes of failure text), as
    /// many as the findings a check keeps; beyond them, a failed test's finding stays under its rule's
    /// testcase and the report's own file has the rest.
    static let maxTestcases = 1_000

    /// Streams the file through XMLParser (see `JUnitStream`); findings go into `collector`, which keeps the
    /// first of each rule and counts the rest.
    static func read(_ path: String, root: String, collector: FindingCollector = FindingCollector()) -> Ingested {
        let opened: (fd: Int32, size: Int)
        switch BoundedFile.openRegular(path) {
        case .success(let o): opened = o
        case .failure(let e): return Ingested(problem: "cannot read the file: \(e.message)")
        }
        if opened.size > BoundedFile.limit {
            close(opened.fd)
            return Ingested(problem: "the file is larger than \(BoundedFile.limit >> 20) MiB")
        }
        let stream = JUnitStream(fd: opened.fd)
        let parser = XMLParser(stream: stream)
        let sink = Collector(root: root, collector: collector)
        parser.delegate = sink
        parser.shouldResolveExternalEntities = false
        // On Linux, parse() can return true for a truncated document and only set parserError.
        let ok = parser.parse() && parser.parserError == nil
        stream.close()
        // Foundation's XMLParser traps on a tag or attribute name that is not UTF-8 (found by fuzzing): the
        // stream stops at the first such byte, before the parser sees it, and nothing of the file counts.
        if let problem = stream.problem { return Ingested(problem: problem) }
        var result = Ingested(collector: sink.collector)
        if !ok {
            result.problem = "not valid JUnit XML (line \(parser.lineNumber)): \(describe(parser.parserError))"
        } else if !sink.sawTestcaseContainer {
            result.problem = "no <testsuite> or <testsuites> element; is this a JUnit report?"
        }
        if !sink.cases.isEmpty {
            result.testcases = TestcaseLayout(names: [], ingested: sink.cases)
        }
        result.stats = [
            "tests": .int(sink.tests), "testFailures": .int(sink.failures),
            "testErrors": .int(sink.errors), "testsSkipped": .int(sink.skipped),
        ]
        if sink.tests > 0 {
            var s = "\(sink.tests) \(sink.tests == 1 ? "test" : "tests")"
            if sink.failures + sink.errors > 0 { s += ", \(sink.failures) failed, \(sink.errors) errored" }
            if sink.skipped > 0 { s += ", \(sink.skipped) skipped" }
            result.summary = s + " (JUnit)"
        }
        return result
    }

    /// Each `<?...?>` as spaces, keeping its newlines (what `JUnitStream` does to the file as it reads it).
    static func blankingProcessingInstructions(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        var blanker = ProcessingInstructionBlanker()
        for i in bytes.indices {
            bytes[i] = blanker.next(bytes[i], following: i + 1 < bytes.count ? bytes[i + 1] : nil)
        }
        return Data(bytes)
    }

    /// NSXMLParser error codes carry no description on Linux; name the common ones.
    static func describe(_ error: (any Error)?) -> String {
        guard let error else { return "parse error" }
        let code = (error as NSError).code
        switch code {
        case 4: return "the document is empty or is not XML"
        case 5: return "the document ends early (was it truncated?)"
        case 76: return "a tag is not closed"
        case 9, 38, 39, 40, 41, 73: return "malformed markup (code \(code))"
        default: return "XML parse error \(code)"
        }
    }

    private final class Collector: NSObject, XMLParserDelegate {
        let root: String
        var collector: FindingCollector
        var tests = 0, failures = 0, errors = 0, skipped = 0
        var sawTestcaseContainer = false
        var cases: [IngestedTestcase] = []

        private var testcase: [String: String]?
        private var outcome: (kind: String, attrs: [String: String])?
        private var text = ""

        init(root: String, collector: FindingCollector) {
            self.root = root
            self.collector = collector
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "testsuite", "testsuites":
                sawTestcaseContainer = true
            case "testcase":
                tests += 1
                testcase = attributes
                outcome = nil
            case "failure", "error":
                if testcase != nil, outcome == nil || outcome?.kind == "skipped" {
                    outcome = (name, attributes)
                    text = ""
                }
            case "skipped":
                if testcase != nil, outcome == nil { outcome = ("skipped", attributes) }
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if outcome != nil, text.utf8.count < 4096 { text += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            guard name == "testcase", let tc = testcase else { return }
            defer { testcase = nil; outcome = nil; text = "" }
            let path = Self.path(of: tc, root: root)
            var entry = IngestedTestcase(classname: tc["classname"] ?? "", name: tc["name"] ?? "(unnamed)", file: path,
                                          time: tc["time"], outcome: .passed)
            guard let outcome else {
                if cases.count < JUnitIngest.maxTestcases { cases.append(entry) }
                return
            }
            if outcome.kind == "skipped" {
                skipped += 1
                entry.outcome = .skipped
                entry.message = outcome.attrs["message"].map { String($0.prefix(1024)) }
                if cases.count < JUnitIngest.maxTestcases { cases.append(entry) }
                return
            }
            let isError = outcome.kind == "error"
            if isError { errors += 1 } else { failures += 1 }
            let classname = tc["classname"] ?? ""
            let name = tc["name"] ?? "(unnamed)"
            let id = classname.isEmpty ? name : "\(classname).\(name)"
            let detail = (outcome.attrs["message"] ?? text).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            var evidence: [String: String] = [:]
            if let t = outcome.attrs["type"] { evidence["type"] = t }
            if let time = tc["time"] { evidence["time"] = time }
            let finding = Finding(
                rule: isError ? "command/test-error" : "command/test-failure",
                message: "\(id) \(isError ? "errored" : "failed")" + (detail.isEmpty ? "" : ": \(detail.prefix(300))"),
                path: path, line: tc["line"].flatMap { Int($0) }, identity: id, evidence: evidence)
            collector.append(finding)
            if cases.count < JUnitIngest.maxTestcases {
                entry.outcome = isError ? .error : .failure
                entry.message = outcome.attrs["message"].map { String($0.prefix(1024)) }
                entry.text = text.isEmpty ? nil : String(text.utf8.prefix(512)) ?? String(text.prefix(128))
                entry.fingerprint = finding.fingerprint
                cases.append(entry)
            }
        }

        /// The test's file: its `file` attribute (pytest, Jest), else the module its dotted class name
        /// names when that file exists under the root (pytest's `tests.test_a` or `tests.test_a.TestX`
        /// is `tests/test_a.py`), so that the finding has a path to annotate and to waive by.
        static func path(of tc: [String: String], root: String) -> String? {
            if let p = tc["file"], !p.isEmpty { return p.hasPrefix("/") ? PathUtil.relative(p, to: root) : PathUtil.normalize(p) }
            guard let classname = tc["classname"], !classname.isEmpty, !classname.contains("/") else { return nil }
            var parts = classname.split(separator: ".").map(String.init)
            while !parts.isEmpty {
                let candidate = parts.joined(separator: "/") + ".py"
                if FileManager.default.fileExists(atPath: root + "/" + candidate) { return candidate }
                parts.removeLast()
            }
            return nil
        }
    }
}

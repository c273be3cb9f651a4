import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GateCore

/// Reads a JUnit XML report (pytest, Maven Surefire, Jest, go-junit-report...) and turns each failed or
/// errored testcase into a finding. External entities are never resolved.
enum JUnitIngest {
    static func read(_ path: String, root: String) -> Ingested {
        let file: BoundedFile.Read
        switch BoundedFile.read(path) {
        case .success(let r): file = r
        case .failure(let e): return Ingested(problem: "cannot read the file: \(e.message)")
        }
        if file.truncated { return Ingested(problem: "the file is larger than \(BoundedFile.limit >> 20) MiB") }
        // Foundation's XMLParser traps on a tag or attribute name that is not UTF-8 (found by fuzzing):
        // refuse such a file before parsing it. JUnit writers emit UTF-8.
        if String(validating: file.data, as: UTF8.self) == nil {
            return Ingested(problem: "the file is not valid UTF-8; JUnit reports must be UTF-8")
        }
        let parser = XMLParser(data: blankingProcessingInstructions(file.data))
        let collector = Collector(root: root)
        parser.delegate = collector
        parser.shouldResolveExternalEntities = false
        // On Linux, parse() can return true for a truncated document and only set parserError.
        let ok = parser.parse() && parser.parserError == nil
        var result = Ingested()
        if !ok {
            result.problem = "not valid JUnit XML (line \(parser.lineNumber)): \(describe(parser.parserError))"
        } else if !collector.sawTestcaseContainer {
            result.problem = "no <testsuite> or <testsuites> element; is this a JUnit report?"
        }
        result.findings = collector.findings
        result.stats = [
            "tests": .int(collector.tests), "testFailures": .int(collector.failures),
            "testErrors": .int(collector.errors), "testsSkipped": .int(collector.skipped),
        ]
        if collector.tests > 0 {
            var s = "\(collector.tests) tests"
            if collector.failures + collector.errors > 0 { s += ", \(collector.failures) failed, \(collector.errors) errored" }
            if collector.skipped > 0 { s += ", \(collector.skipped) skipped" }
            result.summary = s + " (JUnit)"
        }
        return result
    }

    /// Foundation's XMLParser reads a processing instruction's data with strlen even when there is none
    /// (`<?xml?>` mid-document crashed it; found by fuzzing). JUnit has no use for processing instructions,
    /// the XML declaration included (the file is UTF-8, checked before): each `<?...?>` becomes spaces,
    /// keeping its newlines so that line numbers in messages stay right.
    static func blankingProcessingInstructions(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        var i = 0
        while i + 1 < bytes.count {
            guard bytes[i] == 0x3C, bytes[i + 1] == 0x3F else { i += 1; continue }
            var j = i + 2
            while j + 1 < bytes.count, !(bytes[j] == 0x3F && bytes[j + 1] == 0x3E) { j += 1 }
            let end = min(j + 2, bytes.count)
            for k in i..<end where bytes[k] != 0x0A { bytes[k] = 0x20 }
            i = end
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
        var findings: [Finding] = []
        var tests = 0, failures = 0, errors = 0, skipped = 0
        var sawTestcaseContainer = false

        private var testcase: [String: String]?
        private var outcome: (kind: String, attrs: [String: String])?
        private var text = ""

        init(root: String) { self.root = root }

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
            guard let outcome else { return }
            if outcome.kind == "skipped" { skipped += 1; return }
            let isError = outcome.kind == "error"
            if isError { errors += 1 } else { failures += 1 }
            let classname = tc["classname"] ?? ""
            let name = tc["name"] ?? "(unnamed)"
            let id = classname.isEmpty ? name : "\(classname).\(name)"
            let detail = (outcome.attrs["message"] ?? text).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            var path = tc["file"]
            if let p = path { path = p.hasPrefix("/") ? PathUtil.relative(p, to: root) : PathUtil.normalize(p) }
            var evidence: [String: String] = [:]
            if let t = outcome.attrs["type"] { evidence["type"] = t }
            if let time = tc["time"] { evidence["time"] = time }
            findings.append(Finding(
                rule: isError ? "command/test-error" : "command/test-failure",
                message: "\(id) \(isError ? "errored" : "failed")" + (detail.isEmpty ? "" : ": \(detail.prefix(300))"),
                path: path, line: tc["line"].flatMap { Int($0) }, identity: id, evidence: evidence))
        }
    }
}

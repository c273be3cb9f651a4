import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierCommand

/// Files a plugin leaves for gate to read that would block it or fill its memory: a FIFO at the report
/// path, and reports and findings files far over the size limit (sparse, so the test is instant).
@Suite struct HostileReportTests {
    @Test func fifoReportIsAProblemNotABlock() throws {
        let dir = try TempDir("cmd-fifo")
        defer { dir.remove() }
        #expect(mkfifo(dir.file("junit.xml"), 0o644) == 0)
        #expect(JUnitIngest.read(dir.file("junit.xml"), root: dir.path).problem == "cannot read the file: it is not a regular file")
        #expect(SARIFIngest.read(dir.file("junit.xml"), root: dir.path).problem == "cannot read the file: it is not a regular file")
        #expect(FindingsFile.read(dir.file("junit.xml"), root: dir.path).findings.isEmpty)
    }

    /// Found by the junit-ingest fuzz target: a name with a byte that is not UTF-8 made Foundation's
    /// XMLParser trap (SIGILL), taking gate down with it.
    @Test func invalidUTF8InElementOrAttributeNamesIsAProblemNotACrash() throws {
        let dir = try TempDir("cmd-utf8")
        defer { dir.remove() }
        let docs: [[UInt8]] = [
            Array("<testsuites><testsuite name=\"s\"><test".utf8) + [0xD1] + Array("case name=\"a\"/></testsuite></testsuites>".utf8),
            Array("<testsuites><testsuite na".utf8) + [0xD1] + Array("me=\"s\"></testsuite></testsuites>".utf8),
            Array("<testsuites><testsuite name=\"".utf8) + [0xFF, 0xFE] + Array("\"></testsuite></testsuites>".utf8),
        ]
        for (i, doc) in docs.enumerated() {
            let path = dir.file("j\(i).xml")
            #expect(FileManager.default.createFile(atPath: path, contents: Data(doc)))
            #expect(JUnitIngest.read(path, root: dir.path).problem == "the file is not valid UTF-8; JUnit reports must be UTF-8")
        }
    }

    /// Found by the junit-ingest fuzz target: a processing instruction without data made Foundation's
    /// XMLParser call strlen(NULL) (SIGSEGV).
    @Test func processingInstructionsWithoutDataDoNotCrash() throws {
        let dir = try TempDir("cmd-pi")
        defer { dir.remove() }
        let doc = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites><?xml?><testsuite name="s" tests="1"><?pi?>
            <testcase name="t"><failure message="m">x <?y?> z</failure></testcase></testsuite></testsuites>
            """
        try dir.write(["j.xml": doc])
        let r = JUnitIngest.read(dir.file("j.xml"), root: dir.path)
        #expect(r.problem == nil)
        #expect(r.findings.count == 1)
        #expect(String(decoding: JUnitIngest.blankingProcessingInstructions(Data("a<?p q?>\n<?r\n?>b".utf8)), as: UTF8.self)
                == "a" + String(repeating: " ", count: 7) + "\n   \n  b")
    }

    @Test func oversizedReportsAreRefusedAndFindingsCut() throws {
        let dir = try TempDir("cmd-big")
        defer { dir.remove() }
        for name in ["r.xml", "r.sarif"] {
            #expect(FileManager.default.createFile(atPath: dir.file(name), contents: nil))
            #expect(truncate(dir.file(name), off_t(BoundedFile.limit + 1)) == 0)
        }
        #expect(JUnitIngest.read(dir.file("r.xml"), root: dir.path).problem == "the file is larger than 256 MiB")
        #expect(SARIFIngest.read(dir.file("r.sarif"), root: dir.path).problem == "the file is larger than 256 MiB")
        // A findings file with one good line, then more than the limit (1 MiB here) of padding.
        let line = Data(#"{"rule":"x/y","message":"kept"}"#.utf8) + Data([0x0A])
        #expect(FileManager.default.createFile(atPath: dir.file("f.jsonl"), contents: line))
        #expect(truncate(dir.file("f.jsonl"), off_t((1 << 20) + 10)) == 0)
        let read = FindingsFile.read(dir.file("f.jsonl"), root: dir.path, limit: 1 << 20)
        #expect(read.findings.contains { $0.message == "kept" })
        #expect(read.findings.contains { $0.message.contains("larger than 1 MiB; the rest was ignored") })
    }
}

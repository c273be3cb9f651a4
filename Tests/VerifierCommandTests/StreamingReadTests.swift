import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierCommand

/// GATE_FINDINGS and JUnit files read as streams: the line reducer cuts strings where a cut keeps the JSON
/// valid, the JUnit stream checks UTF-8 and blanks processing instructions across piece boundaries.
@Suite struct StreamingReadTests {
    /// The reducer's output for `line`, fed in pieces of `piece` bytes.
    static func reduce(_ line: String, fieldBytes: Int = 64, piece: Int = .max) -> JSONLineReducer {
        var r = JSONLineReducer(fieldBytes: fieldBytes, lineLimit: 1 << 20)
        let bytes = Array(line.utf8)
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + min(piece, bytes.count))
            bytes[i..<end].withUnsafeBytes { r.feed($0) }
            i = end
        }
        return r
    }

    static func parsed(_ r: JSONLineReducer) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(r.output))) as? [String: Any]
    }

    @Test func longStringsAreCutToValidJSONWhateverTheyHold() throws {
        let bodies = [
            String(repeating: "x", count: 1000),
            String(repeating: "é", count: 500),
            String(repeating: "😀", count: 300),
            String(repeating: #"\""#, count: 300),
            String(repeating: #"\ud83d\ude00"#, count: 100),
            String(repeating: #"a\u00e9\n"#, count: 200),
        ]
        for body in bodies {
            let line = #"{"rule":"x/y","message":""# + body + #"","nested":{"deep":[""# + body + #""]},"line":3}"#
            let whole = Self.reduce(line)
            for piece in [1, 2, 3, 7, 64] {
                let r = Self.reduce(line, piece: piece)
                #expect(r.output == whole.output && r.cut == whole.cut, "piece \(piece)")
            }
            let obj = try #require(Self.parsed(whole), "\(String(decoding: whole.output, as: UTF8.self))")
            let message = try #require(obj["message"] as? String)
            #expect(message.utf8.count <= 64)
            #expect(obj["line"] as? Int == 3)
            // Kept raw bytes plus the cut ones are the string as sent.
            let keptRaw = whole.output.count - Self.reduce(#"{"rule":"x/y","message":"","nested":{"deep":[""]},"line":3}"#).output.count
            #expect(keptRaw / 2 + (whole.cut["message"] ?? 0) == body.utf8.count, "\(body.prefix(12))")
            #expect(whole.cut.keys.sorted() == ["message"])
        }
    }

    @Test func aLineThatStaysTooLongOverflows() {
        var r = JSONLineReducer(fieldBytes: 64, lineLimit: 1000)
        let line = "{\"rule\":\"x/y\",\"message\":\"m\",\"n\":[" + Array(repeating: "1", count: 2000).joined(separator: ",") + "]}"
        Array(line.utf8).withUnsafeBytes { r.feed($0) }
        #expect(r.overflowed)
        #expect(r.output.count <= 1000)
    }

    @Test func findingsFileKeepsEightKiBAndCountsTheRest() throws {
        let dir = try TempDir("cmd-stream")
        defer { dir.remove() }
        let message = String(repeating: "m", count: 3_000_000)
        let path = String(repeating: "p", count: 10_000)
        try dir.write(["f.jsonl": #"{"rule":"x/y","path":""# + path + #"","message":""# + message + "\"}\n\n"
            + #"{"rule":"x/z","message":"fine"}"#])
        let r = FindingsFile.read(dir.file("f.jsonl"), root: dir.path)
        #expect(r.lines == 3)
        let big = try #require(r.findings.first { $0.rule == "x/y" })
        #expect(big.message.utf8.count <= 8192 && big.message.hasPrefix("mmm"))
        #expect(big.message.hasSuffix("…[cut \(NumberText.grouped(3_000_000 - big.message.filter { $0 == "m" }.count)) bytes]"))
        #expect(big.path?.hasSuffix("…[cut \(NumberText.grouped(10_000 - (big.path ?? "").filter { $0 == "p" }.count)) bytes]") == true)
        #expect(r.findings.contains { $0.rule == "x/z" && $0.message == "fine" })
    }

    /// The JUnit stream, read in small pieces, gives what the whole-file blanking gives, and refuses a byte
    /// that is not UTF-8 before handing it on.
    @Test func junitStreamBlanksAndChecksAcrossPieces() throws {
        let dir = try TempDir("cmd-junit-stream")
        defer { dir.remove() }
        let doc = "<?xml version=\"1.0\"?>\n<a é=\"😀\"><?pi x?y?>\n<?>?></a><<?q?><?unterminated é\n"
        try dir.write(["j.xml": doc])
        for piece in [5, 6, 7, 9, 64] {
            let fd = open(dir.file("j.xml"), O_RDONLY)
            let stream = JUnitStream(fd: fd)
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: piece)
            while true {
                let n = buffer.withUnsafeMutableBufferPointer { stream.read($0.baseAddress!, maxLength: piece) }
                #expect(n >= 0)
                if n <= 0 { break }
                out += buffer[..<n]
            }
            stream.close()
            #expect(out == Array(JUnitIngest.blankingProcessingInstructions(Data(doc.utf8))), "piece \(piece)")
            #expect(stream.problem == nil)
        }
        for bad in [[0x3C, 0x61, 0xC3], [0x3C, 0x61, 0xED, 0xA0, 0x80, 0x3E], [0x3C, 0xFF, 0x3E]] as [[UInt8]] {
            #expect(FileManager.default.createFile(atPath: dir.file("bad.xml"), contents: Data(bad)))
            let stream = JUnitStream(fd: open(dir.file("bad.xml"), O_RDONLY))
            var buffer = [UInt8](repeating: 0, count: 64)
            var n = 0
            repeat { n = buffer.withUnsafeMutableBufferPointer { stream.read($0.baseAddress!, maxLength: 64) } } while n > 0
            #expect(n == -1 && stream.problem == "the file is not valid UTF-8; JUnit reports must be UTF-8", "\(bad)")
            stream.close()
        }
    }
}

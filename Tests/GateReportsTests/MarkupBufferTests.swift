import Foundation
import GateCore
import Testing

@testable import GateReports

/// The byte writer of the HTML report against the String functions it stands in for: any difference
/// would change the report's bytes.
@Suite struct MarkupBufferTests {
    private func written(_ body: (inout MarkupBuffer) -> Void) -> String {
        var b = MarkupBuffer()
        body(&b)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    @Test func wholeNumbersAsSwiftPrintsThem() {
        let values = [0, 7, 9, 10, 99, 100, 12345, -1, -10, -907, Int.max, Int.min]
        for v in values {
            #expect(written { $0.int(v) } == String(v))
        }
    }

    @Test func durationsAsDurationParsingFormats() {
        for ms in [-1500, -3, 0, 1, 999, 1000, 1049, 1050, 59_999, 60_000, 3_599_999, 3_600_000, 90_061_000] {
            #expect(written { $0.milliseconds(ms) } == DurationParsing.format(.milliseconds(ms)), "\(ms)")
        }
    }

    @Test func chartNumbersAsTheStringVersion() {
        var x = -25.0
        while x <= 25 {
            #expect(written { HTMLCharts.n(x, into: &$0) } == HTMLCharts.n(x), "\(x)")
            x += 0.37
        }
        for x in [0.0, -0.04, -0.05, 0.05, 17.95, 18.0, 2.25] {
            #expect(written { HTMLCharts.n(x, into: &$0) } == HTMLCharts.n(x), "\(x)")
        }
    }

    @Test func escapingMatchesXMLText() {
        let samples = [
            "", "plain", "a & b", "<tag attr=\"v\">", "it's", "tab\there", "line\nbreak", "cr\rhere",
            "bell\u{07}", "\u{FFFE}\u{FFFF}", "ï ë é", "日本語 & more", "\u{1F600} emoji",
        ]
        for s in samples {
            #expect(written { $0.text(s) } == XMLText.escape(s), "\(s.debugDescription)")
            #expect(written { $0.attr(s) } == XMLText.escapeAttribute(s), "\(s.debugDescription)")
        }
        #expect(XMLText.needsEscaping("tab\there", attribute: false) == false)
        #expect(XMLText.needsEscaping("tab\there", attribute: true))
        #expect(XMLText.needsEscaping("plain", attribute: true) == false)
    }

    @Test func literalsAndStringsAreAppendedAsUTF8() {
        #expect(written { $0.raw("<p>"); $0.raw("ünï"); $0.raw("</p>") } == "<p>ünï</p>")
    }
}

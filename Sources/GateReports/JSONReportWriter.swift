import Foundation
import GateCore

/// `gate-report/1`: the stable, versioned JSON report (schema: docs/report.schema.json).
/// Keys are sorted and arrays arrive pre-sorted, so the same inputs give the same bytes apart from the
/// time fields (`startedAt`, `durationMs`).
public struct JSONReportWriter: ReportWriter {
    public static let format = ReportFormat.json

    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        var bytes = try JSONReportText.render(report)
        bytes.append(0x0A)
        return Data(bytes)
    }

    /// The same text through JSONEncoder: the reference the hand-written writer is tested against.
    static func renderWithEncoder(_ report: RunReport) throws -> Data {
        var data = try Self.encoder.encode(report)
        data.append(0x0A)
        return data
    }

    /// The encoder every gate JSON output uses.
    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The same text as `.iso8601` (whole seconds, UTC), without loading ICU's time-zone data.
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(DateText.timestamp(date))
        }
        return e
    }

    public static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }
}

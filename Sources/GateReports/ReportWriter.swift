import Foundation
import GateCore

/// Renders a `RunReport` in one format. One writer per file, each with its own golden test.
public protocol ReportWriter: Sendable {
    /// The format's name in `reports:` and on the command line (`json`, `junit`, ...).
    static var format: ReportFormat { get }
    func render(_ report: RunReport) throws -> Data
}

/// The report formats gate writes.
public enum ReportFormat: String, CaseIterable, Sendable, Codable {
    case json
    case junit
    case sarif
    case markdown
    case html

    /// The file name used inside a reports directory.
    public var defaultFileName: String {
        switch self {
        case .json: "report.json"
        case .junit: "junit.xml"
        case .sarif: "report.sarif"
        case .markdown: "report.md"
        case .html: "report.html"
        }
    }

    public var writer: any ReportWriter {
        switch self {
        case .json: JSONReportWriter()
        case .junit: JUnitReportWriter()
        case .sarif: SARIFReportWriter()
        case .markdown: MarkdownReportWriter()
        case .html: HTMLReportWriter()
        }
    }
}

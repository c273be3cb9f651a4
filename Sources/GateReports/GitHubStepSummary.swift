import Foundation
import GateCore

/// The Markdown report appended to `$GITHUB_STEP_SUMMARY`. GitHub rejects a step summary over 1 MiB, so
/// the text is fitted to what the file has left: fewer findings per check first, then a cut at a line.
public enum GitHubStepSummary {
    /// GitHub's limit per step summary file.
    public static let limit = 1 << 20

    /// The Markdown for `report`, at most `budget` bytes of UTF-8.
    public static func render(_ report: RunReport, budget: Int) throws -> String {
        var writer = MarkdownReportWriter()
        for perCheck in [writer.findingsPerCheck, 10, 5, 2, 0] {
            writer.findingsPerCheck = perCheck
            let text = String(decoding: try writer.render(report), as: UTF8.self)
            if text.utf8.count <= budget { return text }
        }
        let note = "\n\n*(summary cut to fit GitHub's 1 MiB step summary limit; see the report files)*\n"
        var text = String(decoding: try writer.render(report), as: UTF8.self)
        let room = max(0, budget - note.utf8.count)
        guard room > 0 else { return "" }
        var bytes = Array(text.utf8.prefix(room))
        while let last = bytes.last, last != 0x0A { bytes.removeLast() }
        text = String(decoding: bytes, as: UTF8.self)
        return text + note
    }

    /// Appends the summary to the file at `path`, keeping it under the limit with what is there already.
    /// Returns the bytes appended.
    @discardableResult
    public static func append(_ report: RunReport, to path: String) throws -> Int {
        let existing = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        // Leave a little room: GitHub counts the file, and other steps' tools may add a line.
        let text = try render(report, budget: limit - existing - 1024)
        guard !text.isEmpty else { return 0 }
        let data = Data((existing > 0 ? "\n" + text : text).utf8)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
        return data.count
    }
}

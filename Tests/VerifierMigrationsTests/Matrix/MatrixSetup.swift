import Foundation
import GateTestSupport
@testable import VerifierMigrations

/// One cell of the scenario matrix: three migrations (10, 20, 30) applied by a tool, then the folder,
/// the history or the tool's configuration changed the way the scenario says.
struct MatrixSetup {
    /// The `format` parameter.
    var format: String
    /// The tool whose files and history are written (stays when `format` is changed to `auto`).
    let layout: String
    /// What the history records (as the tool applied it).
    var applied = ToolHistories.base
    /// What the folder holds now.
    var onDisk = ToolHistories.base
    var failLast = false
    /// Every migration file converted to CRLF line ends (git's autocrlf).
    var crlf = false
    /// Atlas: `atlas.sum` re-hashed over the files on disk ('atlas migrate hash'), or kept as applied.
    var rehash = true
    /// Atlas: `atlas.sum` itself converted to CRLF.
    var sumCRLF = false
    var directory = "migrations"
    /// Files outside the migrations folder (tool configuration), relative to the root.
    var rootFiles: [String: String] = [:]
    /// sqlx `ignored-chars` the history's checksums were computed with.
    var ignoredChars: Set<Character> = []
    var historyTable: String?
    var withDatabase = true
    /// A PostgreSQL URL instead of `history.sqlite` (set by `build(on:)`).
    var databaseURL: String?
    /// golang-migrate: write each migration's `.down.sql` beside its `.up.sql`.
    var downFiles = true
    /// Rewrites the history SQL before it is run (a hand-made history row, a changed encoding).
    var editHistory: (String) -> String = { $0 }
    /// The `with:` block of the check.
    var with: String = ""

    init(_ format: String) {
        self.format = format
        layout = format
    }

    var yaml: String {
        (["format: \(format)"] + (withDatabase ? [databaseURL.map { "database: '\($0)'" } ?? "database: history.sqlite"] : [])
            + (with.isEmpty ? [] : [with]))
            .joined(separator: "\n")
    }

    func build() throws -> Workspace {
        let w = try Workspace("matrix-\(format)")
        func text(_ s: String) -> String { crlf ? s.replacingOccurrences(of: "\n", with: "\r\n") : s }
        var files: [(String, String)] = []
        for m in onDisk {
            files.append((ToolHistories.fileName(layout, m), text(m.sql)))
            if layout == "golang-migrate" && downFiles {
                files.append(("\(m.version)_\(m.name).down.sql", text("DROP TABLE \(m.name);\n")))
            }
        }
        for (name, content) in files { try w.write([directory + "/" + name: content]) }
        if layout == "atlas" {
            let source = rehash ? files : ToolHistories.base.map { (ToolHistories.fileName("atlas", $0), $0.sql) }
            var sum = ToolHistories.atlasSum(source)
            if sumCRLF { sum = sum.replacingOccurrences(of: "\n", with: "\r\n") }
            try w.write([directory + "/atlas.sum": sum])
        }
        try w.write(rootFiles)
        if withDatabase {
            try w.database(editHistory(ToolHistories.history(layout, applied, failLast: failLast, ignoredChars: ignoredChars,
                                                             table: historyTable)))
        }
        return w
    }
}

extension MatrixSetup {
    /// The same cell with the history in a new database of `pg`, written as the tool writes it on
    /// PostgreSQL; the setup's `yaml` then points at it. Returns the database's name for dropping.
    mutating func build(on pg: PostgresCluster) async throws -> (Workspace, String?) {
        var files = self
        files.withDatabase = false
        let w = try files.build()
        guard withDatabase else { return (w, nil) }
        let db = try await pg.createDatabase("matrix_\(layout)")
        try await pg.psql(editHistory(PostgresHistories.history(layout, applied, failLast: failLast, ignoredChars: ignoredChars,
                                                          table: historyTable)), database: db)
        databaseURL = pg.socketURL(database: db)
        return (w, db)
    }
}

/// The standard scenarios, as changes to a setup.
enum Scenario: String, CaseIterable, Sendable {
    case clean, edited, deletedLast = "deleted-last", deletedMiddle = "deleted-middle", failed, outOfOrder = "out-of-order"
    case pending, crlf = "crlf", renamed, toolConfig = "tool-config"

    func apply(_ s: inout MatrixSetup) {
        switch self {
        case .clean, .toolConfig: break
        case .edited: s.onDisk[1].sql += "-- edited after it was applied\n"
        case .deletedLast: s.onDisk.removeLast()
        case .deletedMiddle: s.onDisk.remove(at: 1)
        case .failed: s.failLast = true
        case .outOfOrder: s.onDisk.insert(Applied(version: 15, name: "d", sql: ToolHistories.extra), at: 1)
        case .pending: s.onDisk.append(Applied(version: 40, name: "d", sql: ToolHistories.extra))
        case .crlf: s.crlf = true
        case .renamed: s.onDisk[1].name = "renamed"
        }
    }
}

import Foundation
import GateCore

/// Flyway: `V<version>__<description>.sql` and repeatable `R__<description>.sql` files anywhere under the
/// folder, and the `flyway_schema_history` table.
///
/// The checksum is the CRC-32 of the UTF-8 text with one leading BOM and every CR and LF byte removed
/// (Flyway feeds the CRC line by line), stored as a signed 32-bit integer: line endings and blank lines
/// do not change it, whitespace inside a line does. `success = 0` is a failed migration. Versions
/// compare part by part (`1.10` after `1.9`; `1.0` equals `1`); underscores in a file's version stand
/// for dots. Baseline rows cover every version up to theirs; `DELETE` and undo rows cancel earlier ones.
/// Java (JDBC) migrations have no script to check and are skipped.
struct FlywayFormat: MigrationFormat {
    var name: FormatName { .flyway }
    var defaultTable: String { "flyway_schema_history" }
    var historyColumns: [String] { ["installed_rank", "version", "description", "type", "script", "checksum", "success"] }
    var repairHint: String {
        "restore the file from git, or run 'flyway repair' to accept the new checksum if the edit is deliberate"
    }
    var failedHint: String {
        "fix the database by hand, then run 'flyway repair' to remove the failed entry and migrate again"
    }

    static func checksum(_ bytes: [UInt8]) -> Int32 {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var crc = CRC32.State()
        for b in bytes[start...] where b != 0x0A && b != 0x0D { crc.update(b) }
        return Int32(bitPattern: crc.value)
    }

    /// `V1_2__Add_users.sql` → (version "1.2", "Add users"); `R__Views.sql` → (nil, "Views").
    static func parse(_ fileName: String) -> (version: String?, description: String)? {
        guard fileName.hasSuffix(".sql"), let sep = fileName.range(of: "__") else { return nil }
        let head = fileName[..<sep.lowerBound]
        let description = fileName[sep.upperBound..<fileName.index(fileName.endIndex, offsetBy: -4)]
            .replacingOccurrences(of: "_", with: " ")
        if head == "R" { return (nil, description) }
        guard head.hasPrefix("V"), head.count > 1 else { return nil }
        return (head.dropFirst().replacingOccurrences(of: "_", with: "."), description)
    }

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        let candidates = try directory.walk().compactMap { rel -> (String, String?, String)? in
            guard let (versionText, description) = Self.parse(String(rel.split(separator: "/").last ?? "")) else { return nil }
            return (rel, versionText, description)
        }
        let contents = try ParallelScan.map(candidates) { (c) throws(VerifierError) -> ([UInt8], String) in
            let bytes = try directory.read(c.0)
            return (bytes, String(Self.checksum(bytes)))
        }
        var versioned: [MigrationFile] = [], repeatable: [MigrationFile] = []
        for ((rel, versionText, description), (bytes, checksum)) in zip(candidates, contents) {
            if let versionText {
                guard let version = MigrationVersion.numeric(versionText, separators: ["."]) else {
                    throw VerifierError("the Flyway migration '\(directory.display(rel))' has an invalid version '\(versionText)': "
                        + "versions are numbers separated by dots or underscores (V1_2__name.sql); Flyway refuses it too")
                }
                versioned.append(MigrationFile(
                    version: version, name: "V\(versionText) (\(description))", path: directory.display(rel),
                    bytes: bytes, checksum: checksum))
            } else {
                repeatable.append(MigrationFile(
                    version: nil, name: "R__\(description)", repeatableKey: description, path: directory.display(rel),
                    bytes: bytes, checksum: checksum))
            }
        }
        return versioned.sorted { $0.version! < $1.version! } + repeatable.sorted { $0.path < $1.path }
    }

    func readHistory(_ db: any HistoryDatabase, table: String) throws(VerifierError) -> History {
        guard let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["installed_rank"]) else { return .empty(table) }
        var versioned: [MigrationVersion: HistoryEntry] = [:]
        var repeatable: [String: HistoryEntry] = [:]
        var baseline: MigrationVersion?
        for row in rows {
            let type = (row["type"].text ?? "SQL").uppercased()
            let description = row["description"].text ?? ""
            let version = row["version"].text.flatMap { MigrationVersion.numeric($0, separators: ["."]) }
            switch type {
            case "SCHEMA":
                continue
            case "BASELINE":
                baseline = version
                continue
            case "DELETE":
                if let version { versioned[version] = nil } else { repeatable[description] = nil }
                continue
            case _ where type.hasPrefix("UNDO"):
                if let version { versioned[version] = nil }
                continue
            case _ where !type.contains("SQL"):
                continue  // JDBC and other code migrations: no script to compare
            default:
                break
            }
            let state: HistoryEntry.State = row["success"].bool == false ? .failed("success = 0") : .applied
            let checksum = row["checksum"].int.map { String(Int32(truncatingIfNeeded: $0)) }
            if let version {
                versioned[version] = HistoryEntry(
                    version: version, name: "V\(version.text) (\(description))", checksum: checksum, state: state)
            } else {
                repeatable[description] = HistoryEntry(
                    version: nil, repeatableKey: description, name: "R__\(description)", checksum: checksum, state: state)
            }
        }
        let entries = versioned.values.sorted { $0.version! < $1.version! } + repeatable.values.sorted { $0.name < $1.name }
        return History(table: table, tableExists: true, entries: entries, coveredThrough: baseline, rowCount: rows.count)
    }
}

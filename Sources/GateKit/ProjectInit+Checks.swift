import Foundation
import GateCore

/// The checks `gate init` writes for what it found. Each is YAML text with its comment, indented for the
/// suite's `checks:` list.
extension ProjectInit {
    struct Snippet {
        var runner = ""
        var detail = ""
        var yaml = ""
    }

    /// The project's tests, with their JUnit report ingested so that each failed test is a finding.
    static func testCheck(_ root: String, python: Bool, hasProgram: (String) -> Bool) -> Snippet? {
        let pytestMarkers = ["pytest.ini", "conftest.py", "tests/conftest.py", "setup.cfg", "tox.ini"]
        let pyproject = (try? String(contentsOfFile: root + "/pyproject.toml", encoding: .utf8)) ?? ""
        let testDirs = ["tests", "test"].filter { isDirectory(root + "/" + $0) }
        let pythonTests = testDirs.contains { d in list(root + "/" + d).contains { $0.hasPrefix("test_") && $0.hasSuffix(".py") } }
        if pythonTests || pytestMarkers.contains(where: { exists(root, $0) }) || pyproject.contains("[tool.pytest") {
            let where_ = testDirs.first.map { "\($0)/" } ?? "the project"
            let available = hasProgram("pytest")
            let check = """
                  # The test suite (pytest, in \(where_)). Its JUnit report is read back: every failed test is a
                  # finding with its file, so one flaky test can be waived without hiding the rest.
                  # python3 -m puts the project on sys.path; no .pytest_cache or __pycache__ is left in the tree.
                  - id: tests
                    run: python3 -m pytest -q -p no:cacheprovider --junit-xml=.gate/tmp/pytest-junit.xml
                    env: {PYTHONDONTWRITEBYTECODE: "1"}
                    with:
                      report: {format: junit, path: .gate/tmp/pytest-junit.xml}
                """
            let yaml = available ? check : """
                  # pytest is not installed where 'gate init' ran: install it (pip install pytest), then remove
                  # the '#' in front of these lines.
                """ + "\n" + check.split(separator: "\n").map { line in
                    line.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? String(line) : "  # " + line.dropFirst(2)
                }.joined(separator: "\n")
            return Snippet(runner: "pytest", detail: where_ + (available ? "" : " (pytest not installed: left commented out)"),
                           yaml: yaml)
        }
        let others: [(String, String, String)] = [
            ("package.json", "npm", "npm test"), ("go.mod", "go", "go test ./..."), ("Cargo.toml", "cargo", "cargo test"),
            ("Package.swift", "swift", "swift test"),
        ]
        for (marker, program, command) in others where exists(root, marker) && hasProgram(program) {
            return Snippet(runner: command, detail: marker, yaml: """
                  # The test suite: a non-zero exit fails the check (read its log in the reports).
                  - id: tests
                    run: \(command)
                """)
        }
        return nil
    }

    /// Migration folders gate understands, and the tool that wrote them.
    static func migrationFolders(_ root: String) -> [MigrationSnippet] {
        var out: [MigrationSnippet] = []
        for dir in ["migrations", "db/migrations", "db/migration", "prisma/migrations", "src/main/resources/db/migration"]
            where isDirectory(root + "/" + dir) {
            let files = list(root + "/" + dir)
            guard !files.isEmpty else { continue }
            let tool: String, format: String
            if dir.hasPrefix("prisma") {
                (tool, format) = ("Prisma", "prisma")
            } else if files.contains("atlas.sum") {
                (tool, format) = ("Atlas", "atlas")
            } else if files.contains(where: { $0.range(of: #"^V[0-9_.]+__.+\.sql$"#, options: .regularExpression) != nil }) {
                (tool, format) = ("Flyway", "flyway")
            } else if files.contains(where: { $0.hasSuffix(".py") }) {
                continue  // Django or Alembic: Python migrations, which gate does not read.
            } else if files.contains(where: { $0.range(of: #"^[0-9]{14}_.+\.sql$"#, options: .regularExpression) != nil }) {
                (tool, format) = ("sqlx", "sqlx")
            } else if files.contains(where: { $0.hasSuffix(".up.sql") }) {
                (tool, format) = ("golang-migrate or sqlx", "auto")
            } else if files.contains(where: { $0.hasSuffix(".sql") }) {
                (tool, format) = ("plain SQL files", "auto")
            } else {
                continue
            }
            let database = list(root).first { $0.hasSuffix(".db") || $0.hasSuffix(".sqlite") || $0.hasSuffix(".sqlite3") }
            let id = out.isEmpty ? "migrations" : "migrations-\(out.count + 1)"
            let against = database.map { "Compared with the history table in \($0)." }
                ?? "Add 'database: FILE' to compare them with a SQLite database's history table."
            var yaml = """
                  # Migrations in \(dir)/ (\(tool)): order, edited or missing files and checksums.
                  # \(against) 'gate explain migrations' has the rest.
                  - id: \(id)
                    uses: migrations
                    with:
                      directory: \(dir)
                      format: \(format)
                """
            if let database { yaml += "\n      database: \(database)" }
            out.append(MigrationSnippet(runner: "migrations", detail: "\(dir)/ (\(tool))", yaml: yaml, directory: dir, tool: tool))
        }
        return out
    }

    /// import-linter or tach configuration, read by the boundaries verifier.
    static func boundaries(_ root: String) -> (file: String, yaml: String)? {
        for file in [".importlinter", "setup.cfg", "pyproject.toml", "tach.toml"] where exists(root, file) {
            let text = (try? String(contentsOfFile: root + "/" + file, encoding: .utf8)) ?? ""
            let isImportLinter = file == ".importlinter" || text.contains("[importlinter") || text.contains("[tool.importlinter")
            guard isImportLinter || file == "tach.toml" else { continue }
            return (file, """
                  # Import rules from \(file), checked like lint-imports\(file == "tach.toml" ? " reads tach's modules" : " does"),
                  # without installing the project.
                  - id: boundaries
                    uses: boundaries
                    with:
                      config: \(file)
                """)
        }
        return nil
    }

    /// Content stores: an OCI image layout, or a checksum file.
    static func contentStores(_ root: String) -> [Snippet] {
        var out: [Snippet] = []
        for dir in [""] + list(root).filter({ isDirectory(root + "/" + $0) }) {
            let base = dir.isEmpty ? "" : dir + "/"
            if exists(root, base + "oci-layout") {
                out.append(Snippet(runner: "cas", detail: "OCI layout in \(dir.isEmpty ? "." : dir)", yaml: """
                      # An OCI image layout: every blob's digest, and every manifest's references.
                      - id: store\(out.isEmpty ? "" : "-\(out.count + 1)")
                        uses: cas
                        with:
                          root: \(dir.isEmpty ? "." : dir)
                          layout: oci
                    """))
            }
            for sums in ["SHA256SUMS", "sha256sums.txt"] where exists(root, base + sums) {
                out.append(Snippet(runner: "cas", detail: base + sums, yaml: """
                      # Files listed in \(base + sums): each must exist and hash to its recorded digest.
                      - id: checksums\(out.isEmpty ? "" : "-\(out.count + 1)")
                        uses: cas
                        with:
                          root: \(dir.isEmpty ? "." : dir)
                          layout: checksums
                          manifest: \(sums)
                    """))
            }
        }
        return out
    }
}

/// A migrations check and the folder it reads.
struct MigrationSnippet {
    var runner: String
    var detail: String
    var yaml: String
    var directory: String
    var tool: String
}

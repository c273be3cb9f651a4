import GateCore

extension MigrationsVerifier {
    static let rules: [RuleDescriptor] = [
        RuleDescriptor("migrations/modified", "An applied migration's file no longer matches the checksum in the history.",
                       help: "Restore the file from git, or run the tool's repair command if the edit is deliberate."),
        RuleDescriptor("migrations/missing-file", "The history names an applied migration that has no file.",
                       help: "Restore the file from git under its original name."),
        RuleDescriptor("migrations/unknown-applied", "A history row is newer than every file: applied from another branch or release.",
                       severity: .warning, help: "Deploy from a checkout that has the migration."),
        RuleDescriptor("migrations/failed", "A failed, partially applied or dirty history entry.",
                       help: "Fix the database by hand, then clear the entry with the tool's repair or force command."),
        RuleDescriptor("migrations/pending", "A migration is not applied yet (a note unless 'allow-pending: false').",
                       severity: .note, help: "Apply it as part of the deploy."),
        RuleDescriptor("migrations/out-of-order", "An unapplied migration sorts before the latest applied one.",
                       help: "Renumber it after the latest applied version."),
        RuleDescriptor("migrations/duplicate-version", "Two migration files share a version.",
                       help: "Give one of them the next free version."),
        RuleDescriptor("migrations/sum-mismatch", "Atlas's atlas.sum does not match the files, or was edited.",
                       help: "Restore the files from git, or run 'atlas migrate hash' if the change is deliberate."),
        RuleDescriptor("migrations/destructive",
                       "A pending migration drops or renames a table or column, truncates, or deletes without WHERE.",
                       severity: .warning,
                       help: "Check that nothing still needs the data, then annotate: -- gate:allow-destructive <reason>."),
        RuleDescriptor("migrations/dry-run-failed", "A pending migration fails when applied to a copy of the database.",
                       help: "Fix the statement SQLite rejects; nothing was written to the real database."),
        RuleDescriptor("migrations/too-slow", "A pending migration ran longer than 'max-duration' on a copy of the database.",
                       help: "Split or batch it, or raise 'max-duration' if the lock time is acceptable."),
    ]

    public static let descriptor = VerifierDescriptor(
        id: "migrations",
        summary: "Applied migrations unedited and present, none failed, order and atlas.sum intact; optional dry run.",
        discussion: """
            Compares a migrations folder with the history table its tool writes, in a SQLite database opened
            read-only (gate never writes to it). Formats: native (gate's own, docs/migrations.md), prisma,
            flyway, sqlx, golang-migrate and atlas, each with its tool's own checksum; 'format: auto' picks
            one from the history table, else from the folder layout.

            An applied file whose checksum changed, a history row without a file, and a failed or dirty entry
            fail the check; pending migrations are notes unless 'allow-pending: false'. Without 'database' only
            the folder is checked (duplicate versions, atlas.sum). Pending migrations are scanned for
            destructive changes (DROP, TRUNCATE, DELETE without WHERE, renames); annotate a deliberate one
            with '-- gate:allow-destructive <reason>'.

            'dry-run: true' copies the database to a temporary file and applies the pending migrations there
            (all of them, to an empty database, when no database is given), each in a transaction, reporting
            SQLite's message with the failing statement and each one's time against 'max-duration'.
            Like 'flyway validate' or 'prisma migrate status', but one verifier for all of these stacks.
            """,
        parameters: [
            ParameterSpec("directory", .path, default: "migrations", "The migrations folder."),
            ParameterSpec("database", .path,
                          "The SQLite file holding the tool's history table; opened read-only. Without it only the folder is checked."),
            ParameterSpec("format", .oneOf(FormatName.allCases.map(\.rawValue)), default: "auto",
                          "Which tool's layout, checksum and history table to use."),
            ParameterSpec("table", .string, "The history table's name when it is not the tool's default."),
            ParameterSpec("allow-pending", .bool, default: "true", "Report pending migrations as notes; false makes them errors."),
            ParameterSpec("dry-run", .bool, default: "false", "Apply pending migrations to a temporary copy of the database."),
            ParameterSpec("max-duration", .duration, default: "30s",
                          "The longest one migration may take in the dry run; it is stopped there."),
            ParameterSpec("destructive", .oneOf(DestructivePolicy.allCases.map(\.rawValue)), default: "warn",
                          "Destructive changes in pending migrations: warn, deny (an error) or off."),
            ParameterSpec("busy-timeout", .duration, default: "5s", "How long to wait for a database locked by another connection."),
        ],
        rules: rules,
        examples: examples)

    static let examples: [VerifierExample] = [
        VerifierExample(
            "Applied migration unchanged, one pending that dry-runs cleanly",
            with: "database: history.sqlite\nformat: native\ndry-run: true",
            files: [
                "migrations/0001_create_users.sql": ExampleHistory.createUsers,
                "migrations/0002_add_email.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n",
            ],
            expect: .passed, expectRules: ["migrations/pending"],
            prepare: { root in try ExampleHistory.native(root: root, applied: ["0001": ExampleHistory.createUsers]) }),
        VerifierExample(
            "An applied migration was edited after it ran",
            with: "database: history.sqlite",
            files: ["migrations/0001_create_users.sql": ExampleHistory.createUsers + "CREATE INDEX users_name ON users(name);\n"],
            expect: .failed, expectRules: ["migrations/modified"],
            prepare: { root in try ExampleHistory.native(root: root, applied: ["0001": ExampleHistory.createUsers]) }),
        VerifierExample(
            "A pending DROP TABLE with destructive: deny",
            with: "database: history.sqlite\ndestructive: deny",
            files: [
                "migrations/0001_create_users.sql": ExampleHistory.createUsers,
                "migrations/0002_drop_users.sql": "DROP TABLE users;\n",
            ],
            expect: .failed, expectRules: ["migrations/destructive"],
            prepare: { root in try ExampleHistory.native(root: root, applied: ["0001": ExampleHistory.createUsers]) }),
        VerifierExample(
            "atlas.sum matches the files (no database needed)",
            with: "format: atlas",
            files: [
                "migrations/1_create_users.sql": ExampleHistory.createUsers,
                "migrations/2_add_email.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n",
                "migrations/atlas.sum": """
                    h1:OsEpggPdFzG3rqdaLEM7zEa98Zn9ojyrsY47tJBiME0=
                    1_create_users.sql h1:1Gny42QYrAPm3TQn14XZB9iH+f6CKPFFQ2oIEF+sMF0=
                    2_add_email.sql h1:PFaFZ1yBH39QLdJd8d6org7s4taLuApdp6Z0ndHFU5U=

                    """,
            ],
            expect: .passed),
        VerifierExample(
            "A file edited after atlas migrate hash",
            with: "format: atlas",
            files: [
                "migrations/1_create_users.sql": ExampleHistory.createUsers,
                "migrations/2_add_email.sql": "ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';\n",
                "migrations/atlas.sum": """
                    h1:OsEpggPdFzG3rqdaLEM7zEa98Zn9ojyrsY47tJBiME0=
                    1_create_users.sql h1:1Gny42QYrAPm3TQn14XZB9iH+f6CKPFFQ2oIEF+sMF0=
                    2_add_email.sql h1:PFaFZ1yBH39QLdJd8d6org7s4taLuApdp6Z0ndHFU5U=

                    """,
            ],
            expect: .failed, expectRules: ["migrations/sum-mismatch"]),
    ]
}

import GateCore

extension MigrationsVerifier {
    static let rules: [RuleDescriptor] = [
        RuleDescriptor("migrations/modified",
                       "An applied migration's file no longer matches the checksum in the history, and the tool refuses to migrate.",
                       help: "Restore the file from git, or run the tool's repair command if the edit is deliberate."),
        RuleDescriptor("migrations/missing-file", "The history names an applied migration that has no file, and the tool refuses to migrate.",
                       help: "Restore the file from git under its original name."),
        RuleDescriptor("migrations/unknown-applied",
                       "A history row is newer than every file (applied from another branch, or deleted last) and the tool accepts it.",
                       severity: .warning, help: "Deploy from a checkout that has the migration."),
        RuleDescriptor("migrations/renamed",
                       "An applied migration's file name or description differs from the history (an error where the tool refuses, "
                        + "a note where it does not care).",
                       help: "Give the file back the name it was applied under (git mv), or record the new name with the tool."),
        RuleDescriptor("migrations/strict-modified",
                       "Stricter than the tool: an applied file changed, and the tool will not notice (Prisma deploy, Atlas after "
                        + "re-hashing). An error with 'strict: true' (the default), a warning with 'strict: false'.",
                       help: "Restore the file from git; the database was built from the old content."),
        RuleDescriptor("migrations/strict-missing-file",
                       "Stricter than the tool: an applied migration's file is gone and the tool will not notice (a Prisma migration "
                        + "deleted from the middle). An error with 'strict: true' (the default), a warning with 'strict: false'.",
                       help: "Restore the file from git; a fresh database built from the folder would miss it."),
        RuleDescriptor("migrations/strict-out-of-order",
                       "Stricter than the tool: an unapplied file sorts before the latest applied one, and the tool applies or skips "
                        + "it silently (sqlx, Prisma). An error with 'strict: true' (the default), a warning with 'strict: false'.",
                       help: "Renumber it after the latest applied version, so that every database runs migrations in one order."),
        RuleDescriptor("migrations/unverifiable", "An applied Atlas migration cannot be checked: its chained hash covers an earlier "
                        + "file that changed or is missing.", severity: .note,
                       help: "Restore the earlier file; this one is checked again then."),
        RuleDescriptor("migrations/invalid-name", "A file looks like a migration but the tool cannot read its version (an error where "
                        + "the tool refuses, a note where it ignores the file).",
                       help: "Rename it the way the tool expects, or move it out of the migrations folder."),
        RuleDescriptor("migrations/tool-config", "A setting in the tool's configuration file that gate reads but cannot honour.",
                       severity: .note, help: "Set the matching parameter of this check, or accept that gate checks without it."),
        RuleDescriptor("migrations/failed", "A failed, partially applied or dirty history entry.",
                       help: "Fix the database by hand, then clear the entry with the tool's repair or force command."),
        RuleDescriptor("migrations/pending", "A migration is not applied yet (a note unless 'allow-pending: false').",
                       severity: .note, help: "Apply it as part of the deploy."),
        RuleDescriptor("migrations/out-of-order", "An unapplied migration sorts before the latest applied one, and the tool refuses it.",
                       help: "Renumber it after the latest applied version."),
        RuleDescriptor("migrations/duplicate-version", "Two migration files share a version.",
                       help: "Give one of them the next free version."),
        RuleDescriptor("migrations/sum-mismatch", "Atlas's atlas.sum does not match the files, or was edited.",
                       help: "Restore the files from git, or run 'atlas migrate hash' if the change is deliberate."),
        RuleDescriptor("migrations/destructive",
                       "A pending migration drops or renames a table or column, truncates, or deletes without WHERE.",
                       severity: .warning,
                       help: "Check that nothing still needs the data, then annotate: -- gate:allow-destructive <reason>."),
        RuleDescriptor("migrations/dry-run-failed",
                       "A pending migration fails in the dry run: on a SQLite copy (the message says when the SQL is written for "
                        + "another database, so the failure may be a dialect difference), or on PostgreSQL, in a scratch database or "
                        + "a rolled-back transaction.",
                       help: "Fix the statement the database rejects; nothing was written to the real database."),
        RuleDescriptor("migrations/lock",
                       "PostgreSQL dry run: a pending migration takes an ACCESS EXCLUSIVE lock on a table whose row estimate reaches "
                        + "'large-table': every read and write of it waits until the migration commits.",
                       severity: .warning,
                       help: "Run it when traffic allows, set a short lock_timeout, or use a form that locks less (CONCURRENTLY, NOT VALID)."),
        RuleDescriptor("migrations/not-dry-run",
                       "'dry-run: transaction' did not run a statement that cannot run in a transaction (CREATE INDEX "
                        + "CONCURRENTLY, VACUUM) or that would end it (COMMIT); it runs for real at deploy.",
                       severity: .note, help: "Use the default scratch dry run to run it, or check it by hand."),
        RuleDescriptor("migrations/too-slow", "A pending migration ran longer than 'max-duration' on a copy of the database.",
                       help: "Split or batch it, or raise 'max-duration' if the lock time is acceptable."),
    ]

    public static let descriptor = VerifierDescriptor(
        id: "migrations",
        summary: "Applied migrations unedited and present, none failed, order and atlas.sum intact; optional dry run.",
        discussion: """
            Compares a migrations folder with the history table its tool writes, in a SQLite file or a
            PostgreSQL database opened read-only (gate never writes to it). On PostgreSQL the table is looked
            for where the tool keeps it: Prisma's in the URL's ?schema= (public by default), Flyway's in
            defaultSchema or the first of schemas, Atlas's in revisions_schema, the URL's search_path or
            the atlas_schema_revisions schema, golang-migrate's as x-migrations-table names it, the others
            along search_path; 'table' may name a schema (app.history). Formats: native (gate's own, docs/migrations.md), prisma,
            flyway, sqlx, golang-migrate and atlas, each with its tool's own checksum and its tool's own
            verdicts; 'format: auto' picks one from the history table, else from the project's files
            (Cargo.toml depending on sqlx, schema.prisma, flyway.conf, atlas.hcl, go.mod), else from the
            folder layout, and the summary says which. The tool's configuration (sqlx.toml ignored-chars and
            table, Flyway's ignoreMigrationPatterns, outOfOrder and naming, atlas.hcl dir and exec_order,
            the Prisma migrations folder) is read where it changes the verdict.

            What the tool refuses at migrate time fails the check: an edited applied file, a lost one, a
            failed or dirty entry, an out-of-order file the tool rejects. What gate finds but the tool lets
            through is a strict-* rule whose message says what the tool does (a Prisma migration deleted
            from the middle, an out-of-order sqlx file it applies silently, an Atlas edit hidden by
            re-hashing). 'strict: true' is the default: this is a pre-deploy gate, and each of these
            leaves a database that a fresh build from the folder cannot reproduce; 'strict: false' keeps
            them as warnings. Pending migrations are notes unless 'allow-pending: false'. Without 'database' only
            the folder is checked (duplicate versions, atlas.sum). Pending migrations are scanned for
            destructive changes (DROP, TRUNCATE, DELETE without WHERE, renames); annotate a deliberate one
            with '-- gate:allow-destructive <reason>'.

            'dry-run: true' applies the pending migrations where nothing is kept: a temporary copy of a SQLite
            file (an empty database, with every migration, when no database is given), or on PostgreSQL a
            scratch database made from the target's schema and dropped afterwards; 'dry-run: transaction'
            uses one always-rolled-back transaction on the PostgreSQL target itself. Each migration runs in
            a transaction; the report gives the engine's message with the failing statement, each
            migration's and statement's time against 'max-duration', and on PostgreSQL the ACCESS
            EXCLUSIVE locks pending migrations take on large tables (with the row estimate).
            Like 'flyway validate' or 'prisma migrate status', but one verifier for all of these stacks.
            """,
        parameters: [
            ParameterSpec("directory", .path, default: "migrations", "The migrations folder."),
            ParameterSpec("database", .any,
                          "Where the tool's history table is, opened read-only: a SQLite file, a postgres:// URL (libpq's PG* variables "
                            + "and ~/.pgpass apply; the password is never shown), or {url-env: NAME} to read either from the "
                            + "environment. Without it only the folder is checked."),
            ParameterSpec("format", .oneOf(FormatName.allCases.map(\.rawValue)), default: "auto",
                          "Which tool's layout, checksum and history table to use."),
            ParameterSpec("table", .string, "The history table's name when it is not the tool's default (or its configuration's)."),
            ParameterSpec("strict", .bool, default: "true",
                          "Report what gate finds but the tool lets through (strict-* rules) as errors; false makes them warnings."),
            ParameterSpec("tool-config", .path,
                          "The tool's configuration file (sqlx.toml, flyway.conf, flyway.toml, atlas.hcl, schema.prisma); by default "
                            + "gate looks for them in the check's root. 'none' reads none."),
            ParameterSpec("environment", .string,
                          "The env of atlas.hcl or the environment of flyway.toml to read, when the file has several."),
            ParameterSpec("allow-pending", .bool, default: "true", "Report pending migrations as notes; false makes them errors."),
            ParameterSpec("dry-run", .any, default: "false",
                          "Apply pending migrations where nothing is kept: true (or 'scratch') uses a temporary SQLite copy, or on "
                            + "PostgreSQL a scratch database made from the target (CREATE DATABASE … TEMPLATE, else pg_dump "
                            + "--schema-only), dropped afterwards; 'transaction' (PostgreSQL, explicit) uses one transaction on the "
                            + "target itself, always rolled back."),
            ParameterSpec("lock-timeout", .duration, default: "5s",
                          "'dry-run: transaction': how long a statement may wait for a lock the application holds."),
            ParameterSpec("large-table", .int, default: "100000",
                          "PostgreSQL dry run: the row estimate from which an ACCESS EXCLUSIVE lock is a 'migrations/lock' warning."),
            ParameterSpec("max-duration", .duration, default: "30s",
                          "The longest one migration may take in the dry run; it is stopped there."),
            ParameterSpec("destructive", .oneOf(DestructivePolicy.allCases.map(\.rawValue)), default: "warn",
                          "Destructive changes in pending migrations: warn, deny (an error) or off."),
            ParameterSpec("busy-timeout", .duration, default: "5s", "How long to wait for a SQLite database locked by another connection."),
            ParameterSpec("statement-timeout", .duration, default: "30s",
                          "The longest one query of the history may run (PostgreSQL's statement_timeout, a lock held by a running "
                            + "migration included); then the check errors instead of hanging."),
        ],
        rules: rules,
        examples: examples)

    /// Three Prisma migrations as applied; the examples' folder lacks the middle one.
    static let prismaApplied = [
        "20260101000000_users": ExampleHistory.createUsers,
        "20260102000000_email": "ALTER TABLE users ADD COLUMN email TEXT;\n",
        "20260103000000_index": "CREATE INDEX users_name ON users(name);\n",
    ]

    /// The first examples' history: one migration applied.
    static let usersApplied = ["0001_create_users": ExampleHistory.createUsers]

    static let examples: [VerifierExample] = [
        VerifierExample(
            "Applied migration unchanged, one pending that dry-runs cleanly",
            with: "database: history.sqlite\nformat: native\ndry-run: true",
            files: [
                "migrations/0001_create_users.sql": ExampleHistory.createUsers,
                "migrations/0002_add_email.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n",
            ],
            expect: .passed, expectRules: ["migrations/pending"],
            prepare: { root in try ExampleHistory.native(root: root, applied: usersApplied) },
            prepareShell: ExampleHistory.shell(ExampleHistory.nativeSQL(usersApplied))),
        VerifierExample(
            "An applied migration was edited after it ran",
            with: "database: history.sqlite",
            files: ["migrations/0001_create_users.sql": ExampleHistory.createUsers + "CREATE INDEX users_name ON users(name);\n"],
            expect: .failed, expectRules: ["migrations/modified"],
            prepare: { root in try ExampleHistory.native(root: root, applied: usersApplied) },
            prepareShell: ExampleHistory.shell(ExampleHistory.nativeSQL(usersApplied))),
        VerifierExample(
            "A pending DROP TABLE with destructive: deny",
            with: "database: history.sqlite\ndestructive: deny",
            files: [
                "migrations/0001_create_users.sql": ExampleHistory.createUsers,
                "migrations/0002_drop_users.sql": "DROP TABLE users;\n",
            ],
            expect: .failed, expectRules: ["migrations/destructive"],
            prepare: { root in try ExampleHistory.native(root: root, applied: usersApplied) },
            prepareShell: ExampleHistory.shell(ExampleHistory.nativeSQL(usersApplied))),
        VerifierExample(
            "A Prisma migration deleted from the middle: Prisma would not notice, gate's strict rule does",
            with: "database: history.sqlite\nformat: prisma",
            files: [
                "migrations/20260101000000_users/migration.sql": ExampleHistory.createUsers,
                "migrations/20260103000000_index/migration.sql": "CREATE INDEX users_name ON users(name);\n",
            ],
            expect: .failed, expectRules: ["migrations/strict-missing-file"],
            prepare: { root in try ExampleHistory.prisma(root: root, applied: prismaApplied) },
            prepareShell: ExampleHistory.shell(ExampleHistory.prismaSQL(prismaApplied))),
        VerifierExample(
            "The same with strict: false: a warning, and the check passes as 'prisma migrate deploy' would",
            with: "database: history.sqlite\nformat: prisma\nstrict: false",
            files: [
                "migrations/20260101000000_users/migration.sql": ExampleHistory.createUsers,
                "migrations/20260103000000_index/migration.sql": "CREATE INDEX users_name ON users(name);\n",
            ],
            expect: .passed, expectRules: ["migrations/strict-missing-file"],
            prepare: { root in try ExampleHistory.prisma(root: root, applied: prismaApplied) },
            prepareShell: ExampleHistory.shell(ExampleHistory.prismaSQL(prismaApplied))),
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

import Testing
@testable import VerifierMigrations

@Suite struct SQLScriptTests {
    @Test func splitsOnSemicolonsOutsideStringsCommentsAndQuotes() {
        let sql = """
            -- leading comment; not a statement
            CREATE TABLE "a;b" (x TEXT DEFAULT ';');
            /* block; comment */ INSERT INTO `t` VALUES ('it''s; fine');
            SELECT [odd;name] FROM t
            """
        let s = SQLScript.split(sql)
        #expect(s.count == 3)
        #expect(s.map(\.line) == [2, 3, 4])
        #expect(s[0].text == "CREATE TABLE \"a;b\" (x TEXT DEFAULT ';');")
        #expect(s[1].tokens.contains { $0.kind == .string && $0.text == "it's; fine" })
        #expect(s[2].text == "SELECT [odd;name] FROM t")
    }

    @Test func keepsTriggerBodiesWhole() {
        let sql = """
            CREATE TRIGGER t_audit AFTER UPDATE ON t BEGIN
              INSERT INTO audit VALUES (CASE WHEN new.x > 0 THEN 'up' ELSE 'down' END);
              DELETE FROM queue;
            END;
            CREATE TEMP TRIGGER t2 AFTER INSERT ON t BEGIN SELECT 1; END;
            SELECT 2;
            """
        let s = SQLScript.split(sql)
        #expect(s.count == 3)
        #expect(s[0].text.hasSuffix("END;"))
        #expect(s[2].line == 6)
        #expect(DestructiveScan.changes(in: s[0]).isEmpty, "a DELETE inside a trigger body is not run by the migration")
    }

    @Test func dollarQuotedBodies() {
        let s = SQLScript.split("CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql; SELECT $$a;b$$;")
        #expect(s.count == 2)
    }

    @Test func transactionControl() {
        let s = SQLScript.split("BEGIN;\nCREATE TABLE a (x);\nCOMMIT;")
        #expect(s.map(\.controlsTransaction) == [true, false, true])
        #expect(!SQLScript.split("CREATE TRIGGER x AFTER INSERT ON a BEGIN SELECT 1; END;")[0].controlsTransaction)
    }

    @Test func allowancesAttachToTheirStatement() {
        let sql = """
            -- gate:allow-destructive archived to cold storage
            DROP TABLE a;
            DROP TABLE b; -- gate:allow-destructive: b was never used
            DROP TABLE c;
            -- gate:allow-destructive
            DROP TABLE d;
            """
        let s = SQLScript.split(sql)
        #expect(s.map(\.allowances) == [["archived to cold storage"], ["b was never used"], [], []])
        #expect(s.map(\.allowanceWithoutReason) == [false, false, false, true])
    }
}

@Suite struct DestructiveScanTests {
    func kinds(_ sql: String) -> [String] {
        SQLScript.split(sql).flatMap { DestructiveScan.changes(in: $0) }.map(\.description)
    }

    @Test func findsEachKind() {
        #expect(kinds("DROP TABLE IF EXISTS main.legacy, other;") == ["drops table 'main.legacy'", "drops table 'other'"])
        #expect(kinds("ALTER TABLE users DROP COLUMN email;") == ["drops column 'email' of 'users'"])
        #expect(kinds("ALTER TABLE users DROP email, DROP CONSTRAINT c, ADD x INT;") == ["drops column 'email' of 'users'"])
        #expect(kinds("TRUNCATE TABLE sessions;") == ["truncates 'sessions'"])
        #expect(kinds("DELETE FROM sessions;") == ["deletes every row of 'sessions' (DELETE without WHERE)"])
        #expect(kinds("ALTER TABLE users RENAME TO people;") == ["renames table 'users' to 'people'"])
        #expect(kinds("ALTER TABLE users RENAME COLUMN name TO full_name;") == ["renames column 'name' of 'users' to 'full_name'"])
        #expect(kinds("ALTER TABLE \"Users\" RENAME \"Name\" TO \"FullName\";") == ["renames column 'Name' of 'Users' to 'FullName'"])
        #expect(kinds("RENAME TABLE a TO b, c TO d;") == ["renames table 'a' to 'b'", "renames table 'c' to 'd'"])
        #expect(kinds("DROP SCHEMA archive CASCADE;") == ["drops schema 'archive'"])
    }

    @Test func leavesSafeStatementsAlone() {
        #expect(kinds("DELETE FROM sessions WHERE expires_at < now();").isEmpty)
        #expect(kinds("DELETE FROM t WHERE id IN (SELECT id FROM u);").isEmpty)
        #expect(kinds("ALTER TABLE t ALTER COLUMN c DROP DEFAULT;").isEmpty)
        #expect(kinds("ALTER TABLE t DROP CONSTRAINT fk_x;").isEmpty)
        #expect(kinds("DROP INDEX idx;").isEmpty)
        #expect(kinds("ALTER TABLE t RENAME CONSTRAINT a TO b;").isEmpty)
        #expect(kinds("SELECT 'DROP TABLE x';").isEmpty)
        #expect(kinds("-- DROP TABLE x;\nSELECT 1;").isEmpty)
    }

    @Test func deleteWithWhereOnlyInASubqueryIsStillDestructive() {
        #expect(kinds("DELETE FROM t RETURNING (SELECT 1 WHERE true);") == ["deletes every row of 't' (DELETE without WHERE)"])
    }
}

@Suite struct MigrationVersionTests {
    @Test func numericOrderAndEquality() throws {
        let v = { (s: String) in try #require(MigrationVersion.numeric(s, separators: ["."])) }
        #expect(try v("1.9") < v("1.10"))
        #expect(try v("1.0") == v("1"))
        #expect(try v("0003") == v("3"))
        #expect(try v("2") < v("10"))
        #expect(try v("20260105100000") < v("20260105100001"))
        #expect(try v("99999999999999999999999") < v("100000000000000000000000"), "beyond 64 bits")
        #expect(MigrationVersion.numeric("1a") == nil)
        #expect(MigrationVersion.numeric("1..2", separators: ["."]) == nil)
    }

    @Test func namesCompareByBytes() {
        #expect(MigrationVersion.name("20260105_a") < MigrationVersion.name("20260105_b"))
        #expect(MigrationVersion.name("Z") < MigrationVersion.name("a"))
    }
}

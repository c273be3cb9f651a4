import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import GateDatabase

/// Connecting: libpq's environment, and each way a connection fails, with a clear message and never the
/// password.
@Suite struct PostgresConnectTests {
    func open(_ url: String, environment: [String: String] = [:], connectTimeout: Duration = .seconds(5)) throws(DatabaseFailure)
        -> any DatabaseConnection {
        try DatabaseLocation.postgres(try PostgresURL(url))
            .open(ConnectionOptions(connectTimeout: connectTimeout, environment: environment))
    }

    func failure(_ body: () throws(DatabaseFailure) -> any DatabaseConnection) -> DatabaseFailure? {
        do {
            let c = try body()
            c.close()
            return nil
        } catch {
            return error
        }
    }

    @Test func passwordOverTCPAndItsEnvironmentSources() async throws {
        let pg = try await PostgresCluster.require()
        // In the URL.
        let c = try open(pg.tcpURL(database: "postgres"))
        #expect(try c.first("SELECT current_user")?[0] == .text("postgres"))
        c.close()
        // PGPASSWORD from the check's environment, the URL without a password.
        let bare = "postgresql://postgres@127.0.0.1:\(pg.port)/postgres"
        let e = try open(bare, environment: ["PGPASSWORD": pg.superuserPassword])
        e.close()
        // ~/.pgpass through PGPASSFILE (libpq refuses a password file others can read).
        let dir = try TempDir("pgpass")
        defer { dir.remove() }
        try dir.write(["pgpass": "127.0.0.1:\(pg.port):*:postgres:\(pg.superuserPassword)\n"])
        chmod(dir.file("pgpass"), 0o600)
        let f = try open(bare, environment: ["PGPASSFILE": dir.file("pgpass")])
        f.close()
        // PGHOST/PGPORT/PGUSER/PGDATABASE alone, with an otherwise empty URL.
        let g = try open("postgresql://", environment: ["PGHOST": pg.socketDirectory, "PGPORT": String(pg.port), "PGUSER": "postgres",
                                                        "PGDATABASE": "postgres"])
        #expect(try g.first("SELECT current_database()")?[0] == .text("postgres"))
        g.close()
        // The URL wins over the environment, as with psql.
        let db = try await pg.createDatabase("urlwins")
        defer { pg.dropDatabase(db) }
        let h = try open(pg.socketURL(database: db), environment: ["PGDATABASE": "postgres"])
        #expect(try h.first("SELECT current_database()")?[0] == .text(db))
        h.close()
    }

    @Test func wrongPasswordNeverShowsThePassword() async throws {
        let pg = try await PostgresCluster.require()
        let wrong = "Wr0ng-" + UUID().uuidString.prefix(12)
        let f = try #require(failure { () throws(DatabaseFailure) in
            try open(pg.tcpURL(database: "postgres", user: "postgres", password: wrong))
        })
        #expect(f.kind == .authentication, "\(f)")
        #expect(f.message.contains("the password was rejected for user \"postgres\""), "\(f)")
        #expect(f.message.contains("postgresql://postgres:***@127.0.0.1"), "\(f)")
        #expect(!f.message.contains(wrong))
        // From PGPASSWORD too.
        let g = try #require(failure { () throws(DatabaseFailure) in
            try open("postgresql://postgres@127.0.0.1:\(pg.port)/postgres", environment: ["PGPASSWORD": wrong])
        })
        #expect(g.kind == .authentication)
        #expect(!g.message.contains(wrong))
    }

    @Test func missingDatabaseAndRole() async throws {
        let pg = try await PostgresCluster.require()
        let f = try #require(failure { () throws(DatabaseFailure) in try open(pg.socketURL(database: "no_such_db_4711")) })
        #expect(f.kind == .missingDatabase, "\(f)")
        #expect(f.message.contains("\"no_such_db_4711\" does not exist"), "\(f)")
        let r = try #require(failure { () throws(DatabaseFailure) in try open(pg.socketURL(database: "postgres", user: "nobody_4711")) })
        #expect(r.kind == .authentication, "\(r)")
    }

    @Test func unreachableServers() async throws {
        // A port nothing listens on: refused at once.
        let port = try LoopbackPort.free()
        let f = try #require(failure { () throws(DatabaseFailure) in try open("postgresql://u:secret-4711@127.0.0.1:\(port)/db") })
        #expect(f.kind == .cannotConnect, "\(f)")
        #expect(f.message.contains("is the server running"), "\(f)")
        #expect(!f.message.contains("secret-4711"))
        // A host that does not answer (TEST-NET-1, reserved for documentation): the connect timeout.
        let start = ContinuousClock.now
        let g = try #require(failure { () throws(DatabaseFailure) in
            try open("postgresql://u@192.0.2.1:5432/db", connectTimeout: .seconds(1))
        })
        #expect(g.kind == .cannotConnect, "\(g)")
        // TCP would retry the SYN for about two minutes; the connect timeout ends it.
        #expect(ContinuousClock.now - start < .seconds(60))
        // A name that does not resolve.
        let h = try #require(failure { () throws(DatabaseFailure) in try open("postgresql://u@no-such-host.invalid/db") })
        #expect(h.kind == .cannotConnect, "\(h)")
    }
}

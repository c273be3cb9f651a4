import Foundation
import GateCore
import GateTestSupport
import Testing

/// The built `gate` binary against books_api.py (a VAmPI-like API) in its vulnerable and secure modes.
@Suite struct BooksAPIEndToEndTests {
    /// The debug endpoint answers every user's password to anyone. The finding keeps the body as
    /// evidence; no password (nor a token) may reach any report or the console, however short.
    @Test func passwordsInEvidenceAreRedactedEverywhere() async throws {
        let api = try await BooksAPI(["--debug"])
        defer { api.stop() }
        let tokens = ["TOKEN_ALICE": try await api.login("alice"), "TOKEN_BOB": try await api.login("bob")]
        let reports = api.dir.file("reports")
        let r = try await Exec.gate(
            ["check", "tenant-isolation", api.dir.path, "--reports", reports, "-v", "--set", "base-url=\(api.baseURL)",
             "--set", "tenants=[{name: alice, token-env: TOKEN_ALICE}, {name: bob, token-env: TOKEN_BOB}]",
             "--set", "resources=[{path: '/users/v1/{id}', ids: {alice: [_debug], bob: [bob]}}]",
             "--set", "methods=[GET]", "--set", "malformed-ids=false"],
            cwd: api.dir.path, env: tokens)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let rules = Set(try JSONValue.parse(file: reports + "/report.json").findings.map(\.rule))
        #expect(rules == ["tenant-isolation/unauthenticated-read", "tenant-isolation/cross-tenant-read"])
        let all = BooksAPI.everything(r, reports: reports)
        // As report.json escapes it: the key stays, so a reader sees what was there.
        #expect(all.contains(#"\"password\": \"[redacted]\""#), "the evidence should show where a password was")
        for (name, pw) in api.passwords { #expect(!all.contains(pw), "\(name)'s password leaked") }
        for token in tokens.values { #expect(!all.contains(token), "a token leaked") }
    }

    /// Configured from the OpenAPI document and the tenants' passwords alone: gate logs in by itself,
    /// learns the three resources, and sends the password change with the document's example body.
    static func openAPIArgs(_ api: BooksAPI, reports: String, mutations: Bool = true) -> [String] {
        ["check", "tenant-isolation", api.dir.path, "--reports", reports, "-v", "--set", "base-url=\(api.baseURL)",
         "--set", "openapi=\(Repo.path("Fixtures/tenant-isolation/openapi.yaml"))", "--set", "allow-mutations=\(mutations)",
         "--set", "tenants=[" + BooksAPI.users.map { "{name: \($0), password-env: PASS_\($0.uppercased())}" }
            .joined(separator: ", ") + "]"]
    }

    static let books = "/books/v1/{book_title}", users = "/users/v1/{username}", password = "/users/v1/{username}/password"

    @Test func vulnerableModeFindsEveryPlantedFlaw() async throws {
        let api = try await BooksAPI(BooksAPI.allFlaws)
        defer { api.stop() }
        let reports = api.dir.file("reports")
        let r = try await Exec.gate(Self.openAPIArgs(api, reports: reports), cwd: api.dir.path, env: api.passwords)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let report = try JSONValue.parse(file: reports + "/report.json")
        let findings = report.findings
        func count(_ rule: String) -> Int { findings.filter { $0.rule == "tenant-isolation/" + rule }.count }
        // Every ordered pair of the three users, for reading books and for changing passwords.
        #expect(count("cross-tenant-read") == 6, "\(findings)")
        // Books changed and deleted (on books made for the purpose) and passwords changed.
        #expect(count("cross-tenant-write") == 12, "\(findings)")
        #expect(count("cross-tenant-list") == 3, "\(findings)")
        // A quote breaks the hand-built SQL of GET /users/v1/{username}: the single quote and the SQL fragment.
        // Creating a book whose title exists (one's own again, or another user's) is an integrity error.
        let crashes = findings.filter { $0.rule == "tenant-isolation/server-error" }.map(\.message).sorted()
        #expect(crashes == [
            "GET /users/v1/1%27%20OR%20%271%27%3D%271 answered 500 to an SQL fragment (3 probes of '\(Self.users)')",
            "GET /users/v1/x%27 answered 500 to a single quote (3 probes of '\(Self.users)')",
            "POST /books/v1 answered 500 to a create carrying another tenant's id (3 probes of '\(Self.books)')",
            "POST /books/v1 answered 500 to a duplicate create (the same body twice) (3 probes of '\(Self.books)')",
        ])
        #expect(report.checks.first?.stats?["http"]?["created"] == .int(27))
        #expect(findings.contains { $0.message.hasPrefix("tenant 'alice' can change objects of tenant 'bob' by its id with its own "
            + "token: PUT /users/v1/bob/password with a valid body answered 204") })
        #expect(findings.contains { $0.message.hasPrefix("tenant 'alice' can read objects of tenant 'bob' by its id with its own "
            + "token: GET /books/v1/bob-book-1 answered 200") })
        #expect(findings.allSatisfy { $0.rule != "tenant-isolation/ids-overlap" && $0.rule != "tenant-isolation/owner-denied" })
        try await SchemaCheck.report(reports + "/report.json")
        try await SchemaCheck.sarif(reports + "/report.sarif")
        let all = BooksAPI.everything(r, reports: reports)
        for (name, pw) in api.passwords { #expect(!all.contains(pw), "\(name)'s password leaked") }
        #expect(!all.contains("secret-"), "a book's secret leaked")
        // The password changes that succeeded (bob's by alice, everyone's own) set the password each user
        // already had: every user still logs in with it.
        for u in BooksAPI.users { _ = try await api.login(u) }
    }

    /// With `allow-mutations: true` the PUT and DELETE probes of books run on books each owner created for
    /// the purpose, never on the users' real books, even when the API lets anyone change or delete any book;
    /// gate removes what it created. The password change, which nothing can create a target for, runs on
    /// the users themselves with the password each already has, and the stats say so.
    @Test func writesRunOnObjectsCreatedForThePurpose() async throws {
        let api = try await BooksAPI(["--bola-book-writes"])
        defer { api.stop() }
        // Tokens taken before the run, to see the real books afterwards.
        var tokens: [String: String] = [:], before: [String: [String: String]] = [:]
        for u in BooksAPI.users {
            tokens[u] = try await api.login(u)
            before[u] = try await api.books(tokens[u]!)
        }
        #expect(before["alice"]?.keys.sorted() == ["alice-book-1", "alice-book-2"])
        let reports = api.dir.file("reports")
        let r = try await Exec.gate(Self.openAPIArgs(api, reports: reports), cwd: api.dir.path, env: api.passwords)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        for u in BooksAPI.users {
            #expect(try await api.books(tokens[u]!) == before[u], "\(u)'s real books changed, or gate left some behind")
        }
        let report = try JSONValue.parse(file: reports + "/report.json")
        let writes = report.findings.filter { $0.rule == "tenant-isolation/cross-tenant-write" }
        #expect(writes.count == 6 && writes.allSatisfy { $0.message.contains("on an object it created for the purpose") }, "\(writes)")
        #expect(writes.contains { $0.message.hasPrefix("tenant 'alice' can delete objects of tenant 'bob' by its id with its own token: "
            + "DELETE /books/v1/gate-") }, "\(writes)")
        let http = report.checks.first?.stats?["http"]
        // Per owner: PUT and DELETE, each for the owner, no one and the two others: 8 books; plus one to
        // create-test each: 27 in all. The owners' and the other users' DELETEs removed 9, gate the rest.
        #expect(http?["created"] == .int(27) && http?["createdForWrites"] == .int(24), "\(String(describing: http))")
        #expect(http?["removed"] == .int(18) && http?["removedByProbes"] == .int(9), "\(String(describing: http))")
        #expect(http?["writesOn"] == .object([
            Self.books: .string("24 objects created for the purpose"),
            Self.password: .string("the tenants' own objects: the API has no create operation for it"),
        ]))
        #expect(r.stdout.contains("27 objects created for the purpose (24 for the mutating probes), all removed; writes on the "
            + "tenants' own objects (nothing could be created): \(Self.password)"), "\(r.stdout)")
    }

    /// When nothing can be created (POST answers 403), the writes fall back to the users' real books, and
    /// the stats and the summary say so; the DELETEs go last, so the reads before them still find the books.
    @Test func writesFallBackToRealObjectsWhenNothingCanBeCreated() async throws {
        let api = try await BooksAPI(["--no-create"])
        defer { api.stop() }
        let reports = api.dir.file("reports")
        let r = try await Exec.gate(Self.openAPIArgs(api, reports: reports), cwd: api.dir.path, env: api.passwords)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        let http = try JSONValue.parse(file: reports + "/report.json").checks.first?.stats?["http"]
        #expect(http?["created"] == .int(0) && http?["createdForWrites"] == .int(0), "\(String(describing: http))")
        #expect(http?["writesOn"]?[Self.books] == .string("the tenants' own objects: none of 24 creates succeeded (403)"))
        #expect(http?["cells"]?["enforced"] == .int(18) && http?["cells"]?["own"] == .int(9), "\(String(describing: http))")
        #expect(r.stdout.contains("writes on the tenants' own objects (nothing could be created): \(Self.books), \(Self.password)"),
                "\(r.stdout)")
    }

    @Test func secureModeRaisesNoAlarm() async throws {
        let api = try await BooksAPI([])
        defer { api.stop() }
        let reports = api.dir.file("reports")
        let r = try await Exec.gate(Self.openAPIArgs(api, reports: reports), cwd: api.dir.path, env: api.passwords)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        let report = try JSONValue.parse(file: reports + "/report.json")
        #expect(report.findings.isEmpty, "\(report.findings)")
        let http = report.checks.first?.stats?["http"]
        #expect(http?["openapi"]?["learned"] == .array([.string(Self.books), .string(Self.users), .string(Self.password)]))
        #expect(http?["openapi"]?["login"] == .string("POST /users/v1/login"))
        #expect(http?["openapi"]?["skipped"]?["GET /users/v1/_debug"] != nil)
        let cells = http?["cells"]
        #expect(cells?["enforced"] == .int(18) && cells?["bypassed"] == .int(0), "\(String(describing: cells))")
        // One book per user made to test creating (the duplicate and the other user's title answered 409),
        // and 8 per user for the PUT and DELETE probes; every one removed at the end.
        #expect(http?["created"] == .int(27) && http?["removed"] == .int(24) && http?["removedByProbes"] == .int(3))
        let all = BooksAPI.everything(r, reports: reports)
        for (name, pw) in api.passwords { #expect(!all.contains(pw), "\(name)'s password leaked") }
    }

    /// Tokens that die mid-run (after 40 requests each): each tenant logs in again once, and the run stays
    /// clean. Without mutations, so that the passwords stay what the environment says. Same inputs give the
    /// same JSON apart from time fields.
    @Test func expiredTokensAreRenewedAndRunsAreDeterministic() async throws {
        let api = try await BooksAPI(["--token-uses", "40"])
        defer { api.stop() }
        let reports = api.dir.file("reports")
        let args = Self.openAPIArgs(api, reports: reports, mutations: false)
        let r = try await Exec.gate(args, cwd: api.dir.path, env: api.passwords)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        let report = try JSONValue.parse(file: reports + "/report.json")
        #expect(report.findings.isEmpty, "\(report.findings)")
        let http = report.checks.first?.stats?["http"]
        #expect(http?["logins"] == .int(6))
        #expect(http?["openapi"]?["learned"] == .array([.string(Self.books), .string(Self.users)]))
        #expect(http?["cells"]?["enforced"] == .int(12))

        let again = try await Exec.gate(args.map { $0 == reports ? reports + "2" : $0 }, cwd: api.dir.path, env: api.passwords)
        #expect(again.code == 0)
        #expect(try JSONValue.parse(file: reports + "2/report.json").withoutTimes == report.withoutTimes)
    }

    @Test func badOpenAPIDocumentsExitTwoNamingTheKey() async throws {
        let dir = try TempDir("tenant-openapi-bad")
        defer { dir.remove() }
        try "openapi: 3.0.3\ninfo: {title: x}\npaths:\n  /a/{id}:\n    get:\n      parameters: [{name: id}]\n"
            .write(toFile: dir.file("bad.yaml"), atomically: true, encoding: .utf8)
        try "swagger: '2.0'\n".write(toFile: dir.file("old.yaml"), atomically: true, encoding: .utf8)
        let tenants = ["--set", "tenants=[{name: a, password-env: PA}, {name: b, password-env: PB}]"]
        for (doc, expected) in [("bad.yaml", "bad.yaml:5:5: a parameter lacks 'name' or 'in'"),
                                ("old.yaml", "old.yaml:1:1: not an OpenAPI 3 document"),
                                ("missing.yaml", "cannot read the OpenAPI document")] {
            let r = try await Exec.gate(["check", "tenant-isolation", dir.path, "--set", "base-url=http://127.0.0.1:9",
                                         "--set", "openapi=\(doc)"] + tenants, cwd: dir.path)
            #expect(r.code == 2, "\(doc): \(r.stdout)\(r.stderr)")
            // The suite's position (the second --set), the key, then the document's own position.
            #expect(r.stderr.contains("--set:2:9: error: 'openapi': ") && r.stderr.contains(expected),
                    "\(doc): \(r.stderr)")
        }
        let unknown = try await Exec.gate(["check", "tenant-isolation", dir.path, "--set", "base-url=http://127.0.0.1:9",
                                           "--set", "login={path: /login, token: $.t, tokn: x}"] + tenants, cwd: dir.path)
        #expect(unknown.code == 2 && unknown.stderr.contains("'tokn'"), "\(unknown.stderr)")
    }

    /// Configured by hand (no document): an explicit login, and a list that returns every user's books.
    /// Unfiltered, the three users get the same ids: gate probes none of them and says why, where it used to
    /// accuse each user of reading books that were not the other's. Filtered by owner, the real flaw shows.
    @Test func listsOfEveryonesObjectsAreFilteredOrWarnedAbout() async throws {
        let api = try await BooksAPI(["--list-all", "--bola-books"])
        defer { api.stop() }
        func run(_ idsFrom: String, _ name: String) async throws -> (Completed, [ReportFinding]) {
            let reports = api.dir.file(name)
            let r = try await Exec.gate(
                ["check", "tenant-isolation", api.dir.path, "--reports", reports, "--set", "base-url=\(api.baseURL)",
                 "--set", "login={path: /users/v1/login, token: $.auth_token}",
                 "--set", "tenants=[" + BooksAPI.users.map { "{name: \($0), password-env: PASS_\($0.uppercased())}" }
                    .joined(separator: ", ") + "]",
                 "--set", "resources=[{path: '/books/v1/{book_title}', ids-from: \(idsFrom)}]",
                 "--set", "methods=[GET]", "--set", "malformed-ids=false"],
                cwd: api.dir.path, env: api.passwords)
            return (r, try JSONValue.parse(file: reports + "/report.json").findings)
        }
        // Nothing left to test is an error (exit 3), not a pass on warnings.
        let (plain, _) = try await run("{path: /books/v1, selector: '$.Books[*]'}", "plain")
        #expect(plain.code == 3, "\(plain.stdout)\(plain.stderr)")
        #expect((plain.stdout + plain.stderr).contains("no tenant has an object of its own to probe: the tenants' ids overlap "
            + "(tenants 'alice' and 'bob' both have 3 ids 'alice-book-1', 'alice-book-2', 'bob-book-1' for "
            + "'/books/v1/{book_title}'; they are not probed"), "\(plain.stdout)\(plain.stderr)")
        #expect(!(plain.stdout + plain.stderr).contains("cross-tenant-read"))

        let (_, filtered) = try await run("{path: /books/v1, selector: \"$.Books[?(@.user == '{tenant}')]\"}", "filtered")
        #expect(filtered.filter { $0.rule == "tenant-isolation/cross-tenant-read" }.count == 6, "\(filtered)")
        #expect(!filtered.contains { $0.rule == "tenant-isolation/ids-overlap" })

        let (_, owned) = try await run("{path: /books/v1, selector: '$.Books[*]', owner-field: user}", "owned")
        #expect(owned.filter { $0.rule == "tenant-isolation/cross-tenant-read" }.count == 6, "\(owned)")
        #expect(owned.filter { $0.rule == "tenant-isolation/cross-tenant-list" }.count == 3, "\(owned)")
        #expect(owned.contains { $0.message == "GET /books/v1 as tenant 'alice' lists 4 objects of other owners ('bob', 'carol', "
            + "by 'user'); they are left out of its ids" }, "\(owned)")
    }

    /// Runs the document's check (no mutations) with `login`, on a server planting only `--bola-books`:
    /// six cross-tenant reads (each of the 3 users reads the others' books) and nothing else.
    static func runFindingTheSixReads(_ api: BooksAPI, reports: String, login: String) async throws -> (Completed, JSONValue) {
        let r = try await Exec.gate(openAPIArgs(api, reports: reports, mutations: false) + ["--set", login],
                                    cwd: api.dir.path, env: api.passwords)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let report = try JSONValue.parse(file: reports + "/report.json")
        #expect(report.findings.filter { $0.rule == "tenant-isolation/cross-tenant-read" }.count == 6, "\(report.findings)")
        #expect(report.findings.allSatisfy { $0.rule == "tenant-isolation/cross-tenant-read" }, "\(report.findings)")
        return (r, report)
    }

    /// A login that needs a fresh nonce: a flow of two steps, the first capturing the nonce that the second
    /// sends in a header and the second capturing the token. Tokens that die after 40 requests are renewed
    /// by running the whole flow again (a nonce is single-use). No password, token or nonce is shown.
    @Test func loginFlowWithCapturesRunsPerTenantAndOnRenewal() async throws {
        let api = try await BooksAPI(["--nonce", "--token-uses", "40", "--bola-books"])
        defer { api.stop() }
        let reports = api.dir.file("reports")
        let flow = "login=[{path: /users/v1/nonce, capture: {nonce: $.nonce}}, {path: /users/v1/login, headers: {X-Nonce: '{nonce}'}, "
            + "body: {username: '{username}', password: '{password}'}, capture: {token: $.auth_token}}]"
        let (r, report) = try await Self.runFindingTheSixReads(api, reports: reports, login: flow)
        #expect(report.checks.first?.stats?["http"]?["logins"] == .int(6))
        let all = BooksAPI.everything(r, reports: reports)
        for (name, pw) in api.passwords { #expect(!all.contains(pw), "\(name)'s password leaked") }

        // The one-request login of the document cannot log in here: the error names the step and its status.
        let plain = try await Exec.gate(Self.openAPIArgs(api, reports: reports + "2", mutations: false), cwd: api.dir.path,
                                        env: api.passwords)
        #expect(plain.code == 3 && (plain.stdout + plain.stderr).contains("tenant 'alice': the login POST /users/v1/login answered 401 "
            + "('{\"error\": \"missing or used nonce\"}')"), "\(plain.stdout)\(plain.stderr)")
    }

    /// A login made of cookies, as many web frameworks do it: GET a CSRF cookie (with a decoy cookie and one
    /// that is removed at once), POST the login with that cookie and the same value in a header, and get the
    /// session as a cookie. The flow carries the cookies from step to step (the server refuses the login
    /// otherwise, and refuses it too when the removed cookie comes back), the probes send the session
    /// cookie, and no session token the server issued reaches any output.
    @Test func aCookieLoginWithACSRFCookieAndASessionCookie() async throws {
        let issued = try TempDir("tenant-cookie-issued")
        defer { issued.remove() }
        let api = try await BooksAPI(["--cookie-session", "--csrf", "--token-uses", "40", "--bola-books",
                                      "--issued", issued.file("tokens")])
        defer { api.stop() }
        let reports = api.dir.file("reports")
        let flow = "login=[{path: /users/v1/csrf, capture: {csrf: 'cookie:csrftoken'}}, {path: /users/v1/login, "
            + "headers: {X-CSRFToken: '{csrf}'}, body: {username: '{username}', password: '{password}'}, "
            + "capture: {token: 'cookie:session'}}]"
        let (r, report) = try await Self.runFindingTheSixReads(api, reports: reports, login: flow)
        // Renewed after 40 requests: more logins than tenants.
        if case .int(let logins)? = report.checks.first?.stats?["http"]?["logins"] { #expect(logins > 3) } else {
            Issue.record("no http.logins in \(String(describing: report.checks.first?.stats))")
        }
        let all = BooksAPI.everything(r, reports: reports)
        let tokens = try issued.read("tokens").split(separator: "\n").map(String.init)
        #expect(tokens.count > 3, "\(tokens)")
        for token in tokens { #expect(!all.contains(token), "a session token leaked") }
        for (name, pw) in api.passwords { #expect(!all.contains(pw), "\(name)'s password leaked") }

        // Without the CSRF step the login is refused, and the error says which step and why.
        let bare = "login=[{path: /users/v1/login, body: {username: '{username}', password: '{password}'}, capture: {token: 'cookie:session'}}]"
        let refused = try await Exec.gate(Self.openAPIArgs(api, reports: reports + "2", mutations: false) + ["--set", bare],
                                          cwd: api.dir.path, env: api.passwords)
        #expect(refused.code == 3 && (refused.stdout + refused.stderr).contains("the login POST /users/v1/login answered 403 "
            + "('{\"error\": \"CSRF verification failed\"}')"), "\(refused.stdout)\(refused.stderr)")
    }

    /// A refused login whose answer echoes the cookies it got (a debug page): the error shows where they
    /// were, never the CSRF cookie itself, in the console and every report.
    @Test func aRefusedCookieLoginDoesNotShowTheFlowsCookies() async throws {
        let issued = try TempDir("tenant-cookie-echo")
        defer { issued.remove() }
        let api = try await BooksAPI(["--cookie-session", "--csrf", "--echo-cookies", "--issued", issued.file("tokens")])
        defer { api.stop() }
        var env = api.passwords
        env["PASS_BOB"] = "pw" + String((0..<6).map { _ in "ghjkmnpqrstvwxyz".randomElement()! })
        let reports = api.dir.file("reports")
        let flow = "login=[{path: /users/v1/csrf, capture: {c: 'cookie:csrftoken'}}, {path: /users/v1/login, "
            + "headers: {X-CSRFToken: '{c}'}, body: {username: '{username}', password: '{password}'}, capture: {token: 'cookie:session'}}]"
        let r = try await Exec.gate(Self.openAPIArgs(api, reports: reports, mutations: false) + ["--set", flow],
                                    cwd: api.dir.path, env: env)
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        let all = BooksAPI.everything(r, reports: reports)
        #expect(all.contains("tenant 'bob': login step 2 POST /users/v1/login answered 401"), "\(r.stdout)\(r.stderr)")
        let cookies = try issued.read("tokens").split(separator: "\n").map(String.init)
        #expect(!cookies.isEmpty)
        for c in cookies { #expect(!all.contains(c), "a CSRF cookie leaked") }
    }

    /// A service that checks CSRF on every write, as Django does: the login rotates the `csrftoken` cookie,
    /// and each POST, PUT and DELETE must send the new value back as the cookie and in X-CSRFToken. Without
    /// `csrf` every write is refused, so the owners are denied and the write flaw goes untested (the finding
    /// says to set `csrf`); with it the probes carry the cookies the login ended with and the header, the
    /// writes are judged, and the planted flaw is found. No session or CSRF cookie reaches any output.
    @Test func aServiceThatChecksCSRFOnWritesIsProbedWithCSRF() async throws {
        let issued = try TempDir("tenant-csrf-writes")
        defer { issued.remove() }
        let api = try await BooksAPI(["--cookie-session", "--csrf", "--csrf-writes", "--bola-book-writes",
                                      "--issued", issued.file("tokens")])
        defer { api.stop() }
        let flow = "login=[{path: /users/v1/csrf, capture: {csrf: 'cookie:csrftoken'}}, {path: /users/v1/login, "
            + "headers: {X-CSRFToken: '{csrf}'}, body: {username: '{username}', password: '{password}'}, "
            + "capture: {token: 'cookie:session'}}]"
        func run(_ extra: [String], _ name: String) async throws -> (Completed, JSONValue, String) {
            let reports = api.dir.file(name)
            let r = try await Exec.gate(Self.openAPIArgs(api, reports: reports) + ["--set", flow] + extra, cwd: api.dir.path,
                                        env: api.passwords)
            return (r, try JSONValue.parse(file: reports + "/report.json"), BooksAPI.everything(r, reports: reports))
        }
        let (bare, bareReport, bareAll) = try await run([], "reports-bare")
        #expect(bare.code == 1, "\(bare.stdout)\(bare.stderr)")
        #expect(!bareReport.findings.contains { $0.rule == "tenant-isolation/cross-tenant-write" }, "\(bareReport.findings)")
        let denied = bareReport.findings.filter { $0.rule == "tenant-isolation/owner-denied" }
        #expect(denied.contains { $0.message.hasPrefix("tenant 'alice' cannot change its own objects: PUT /books/v1/") }, "\(denied)")
        #expect(denied.contains { $0.help?.contains("set 'csrf' to the cookie and the header the service checks") == true }, "\(denied)")

        let (r, report, all) = try await run(["--set", "csrf={cookie: csrftoken, header: X-CSRFToken}"], "reports")
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let writes = report.findings.filter { $0.rule == "tenant-isolation/cross-tenant-write" }
        #expect(writes.count == 6 && writes.allSatisfy { $0.message.contains("on an object it created for the purpose") }, "\(writes)")
        #expect(!report.findings.contains { $0.rule == "tenant-isolation/owner-denied" && $0.message.contains("/books/v1/") },
                "\(report.findings)")
        let values = try issued.read("tokens").split(separator: "\n").map(String.init)
        #expect(values.count > 6, "\(values)")
        for v in values { #expect(!all.contains(v) && !bareAll.contains(v), "a session or CSRF cookie leaked") }
        for (name, pw) in api.passwords { #expect(!all.contains(pw), "\(name)'s password leaked") }

        // A cookie the login does not set is an error naming the cookies it did set.
        let (wrong, _, _) = try await run(["--set", "csrf={cookie: XSRF-TOKEN, header: X-XSRF-TOKEN}"], "reports-wrong")
        #expect(wrong.code == 3 && wrong.stdout.contains("tenant 'alice': its login set no cookie 'XSRF-TOKEN', which 'csrf' "
            + "sends back in 'X-XSRF-TOKEN' (it set 'tracking', 'theme', 'session', 'csrftoken')"), "\(wrong.stdout)\(wrong.stderr)")
    }

    /// `csrf` is checked when the suite loads: a map of two names, with a login to read the cookie from.
    @Test func badCSRFSettingsExitTwoNamingTheKey() async throws {
        let dir = try TempDir("tenant-csrf-config")
        defer { dir.remove() }
        let login = ["--set", "login={path: /login, token: $.t}",
                     "--set", "tenants=[{name: a, password-env: PA}, {name: b, password-env: PB}]"]
        let tokens = ["--set", "tenants=[{name: a, token-env: TA}, {name: b, token-env: TB}]"]
        let base = ["check", "tenant-isolation", dir.path, "--set", "base-url=http://127.0.0.1:9",
                    "--set", "resources=[{path: '/x/{id}', ids: {a: [1], b: [2]}}]"]
        for (extra, expected) in [
            (tokens + ["--set", "csrf={cookie: csrftoken, header: X-CSRFToken}"], "no tenant logs in; give 'login'"),
            (login + ["--set", "csrf=csrftoken"], "'csrf' must be a map such as {cookie: csrftoken, header: X-CSRFToken}"),
            (login + ["--set", "csrf={cookie: csrftoken}"], "missing required key 'header' in 'csrf'"),
            (login + ["--set", "csrf={cookie: 'csrf token', header: X-CSRFToken}"], "'csrf token' is not a cookie name"),
            (login + ["--set", "csrf={cookie: csrftoken, header: 'X-CSRF:Token'}"], "'X-CSRF:Token' is not a header name"),
            (login + ["--set", "csrf={cookie: csrftoken, header: Cookie}"], "gate sets 'Cookie' itself"),
            (login + ["--set", "csrf={cookie: csrftoken, header: X-CSRFToken, when: writes}"], "unknown key 'when' in 'csrf'"),
        ] {
            let r = try await Exec.gate(base + extra, cwd: dir.path)
            #expect(r.code == 2 && r.stderr.contains(expected) && r.stderr.contains("--set:"), "\(extra): \(r.stderr)")
        }
    }

    /// A step that uses what no earlier step captured, and a flow that never captures the token: exit 2
    /// naming the key.
    @Test func badLoginFlowsExitTwo() async throws {
        let dir = try TempDir("tenant-login-flow")
        defer { dir.remove() }
        let base = ["check", "tenant-isolation", dir.path, "--set", "base-url=http://127.0.0.1:9",
                    "--set", "tenants=[{name: a, password-env: PA}, {name: b, password-env: PB}]",
                    "--set", "resources=[{path: '/x/{id}', ids: {a: [1], b: [2]}}]"]
        for (flow, expected) in [
            ("[{path: /login, headers: {X-Nonce: '{nonce}'}, capture: {token: $.t}}]",
             "'login': login step 1 uses '{nonce}', which no earlier step captures"),
            ("[{path: /nonce, capture: {nonce: $.n}}, {path: /login, body: {n: '{nonce}'}, capture: {t: $.t}}]",
             "'token'"),
            ("[{path: /nonce, captur: {nonce: $.n}}]", "'captur'"),
            ("{path: /login, body: {n: '{nonce}'}, token: $.t}", "one request knows only"),
            ("[{path: /login, capture: {token: 'cookie:'}}]", "'cookie:' needs a cookie name after it"),
            // The name is quoted back whole: the redactor used to take the quoted 'cookie:a b' for a Cookie
            // header and print 'co…[redacted] b', and the message blamed a missing name.
            ("[{path: /login, capture: {token: 'cookie:a b'}}]", "the cookie name 'a b' holds a space"),
            ("[{path: /login, capture: {token: 'header:X;Y'}}]", "the header name 'X;Y' holds ';'"),
            ("[{path: /login, capture: {token: 'body.token'}}]", "is no capture: give a JSON path ($.token), header:NAME or cookie:NAME"),
        ] {
            let r = try await Exec.gate(base + ["--set", "login=" + flow], cwd: dir.path)
            #expect(r.code == 2 && r.stderr.contains(expected) && r.stderr.contains("--set:"), "\(flow): \(r.stderr)")
        }
    }

    /// A wrong password is an error naming the tenant and the status, never the password.
    @Test func aFailedLoginSaysSoWithoutThePassword() async throws {
        let api = try await BooksAPI([])
        defer { api.stop() }
        var env = api.passwords
        env["PASS_BOB"] = "pw" + String((0..<6).map { _ in "ghjkmnpqrstvwxyz".randomElement()! })
        let reports = api.dir.file("reports")
        let r = try await Exec.gate(Self.openAPIArgs(api, reports: reports, mutations: false), cwd: api.dir.path, env: env)
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        let all = BooksAPI.everything(r, reports: reports)
        #expect(all.contains("tenant 'bob': the login POST /users/v1/login answered 401"), "\(all)")
        for pw in env.values { #expect(!all.contains(pw), "a password leaked") }
    }
}


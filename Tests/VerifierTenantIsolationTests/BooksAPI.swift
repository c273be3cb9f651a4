import Foundation
import GateCore
import GateHTTP
import GateTestSupport
import Testing

/// Fixtures/tenant-isolation/books_api.py on loopback, its users' passwords made up at test time
/// (PASS_<NAME>), with the switches that plant its flaws.
final class BooksAPI: @unchecked Sendable {
    static let users = ["alice", "bob", "carol"]
    static let allFlaws = ["--bola-books", "--bola-book-writes", "--bola-password", "--list-all", "--sqli", "--dup-500", "--debug"]

    let service: FixtureService
    /// PASS_<NAME> to that user's password.
    let passwords: [String: String]

    init(_ flags: [String], users: [String] = BooksAPI.users) async throws {
        var pw: [String: String] = [:]
        // Random per run, built from pieces: no credential literal in the repository. Short, as VAmPI's
        // "pass1": the old redactor let values under 8 characters through. Letters past 'f' keep them out of
        // the hex digests a report holds.
        for u in users {
            pw["PASS_" + u.uppercased()] = "pw" + String((0..<4).map { _ in "ghjkmnpqrstvwxyz".randomElement()! })
        }
        passwords = pw
        service = try await FixtureService(script: "Fixtures/tenant-isolation/books_api.py",
                                           arguments: ["--users", users.joined(separator: ",")] + flags, environment: pw)
    }

    var baseURL: String { service.url("") }
    var dir: TempDir { service.dir }

    func stop() { service.stop() }

    /// Logs `user` in as a client would; the token it answers.
    func login(_ user: String) async throws -> String {
        let client = HTTPClient()
        defer { client.shutdown() }
        let body = try JSONEncoder().encode(["username": user, "password": passwords["PASS_" + user.uppercased()]!])
        let r = await client.send(HTTPRequest(method: "POST", url: service.url("/users/v1/login"),
                                              headers: [HTTPHeader("Content-Type", "application/json")], body: Array(body)))
        guard case .success(let answer) = r, answer.status == 200,
              case .object(let o) = try JSONDecoder().decode(JSONValue.self, from: Data(answer.body)),
              case .string(let token)? = o["auth_token"] else { throw VerifierError("login of \(user) failed: \(r)") }
        return token
    }

    /// `user`'s books as `token` sees them: title to secret (GET /books/v1, then each book).
    func books(_ token: String) async throws -> [String: String] {
        let client = HTTPClient()
        defer { client.shutdown() }
        func get(_ path: String) async throws -> JSONValue {
            let r = await client.send(HTTPRequest(url: service.url(path), headers: [HTTPHeader("Authorization", "Bearer " + token)]))
            guard case .success(let answer) = r, answer.status == 200 else { throw VerifierError("GET \(path) failed: \(r)") }
            return try JSONDecoder().decode(JSONValue.self, from: Data(answer.body))
        }
        var out: [String: String] = [:]
        for case .object(let item) in (try await get("/books/v1"))["Books"]?.items ?? [] {
            guard case .string(let title)? = item["book_title"] else { continue }
            if case .string(let secret)? = try await get("/books/v1/" + title)["secret"] { out[title] = secret }
        }
        return out
    }

    /// Everything gate wrote: its console and every file under `reports`.
    static func everything(_ r: Completed, reports: String) -> String {
        var all = r.stdout + r.stderr
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: reports)) ?? [] {
            all += (try? String(contentsOfFile: reports + "/" + file, encoding: .utf8)) ?? ""
        }
        return all
    }
}

/// A finding of report.json, as the tests compare it.
struct ReportFinding: Sendable, CustomStringConvertible {
    var rule: String
    var message: String
    var help: String? = nil
    var description: String { "\(rule) | \(message)" }
}

extension JSONValue {
    static func parse(file: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var items: [JSONValue] { if case .array(let a) = self { a } else { [] } }

    var checks: [JSONValue] { self["checks"]?.items ?? [] }
    var stats: JSONValue? { self["stats"] }

    /// Every finding of every check.
    var findings: [ReportFinding] {
        checks.flatMap { $0["findings"]?.items ?? [] }.map { f in
            func text(_ k: String) -> String { if case .string(let s)? = f[k] { s } else { "" } }
            return ReportFinding(rule: text("rule"), message: text("message"), help: f["help"] == nil ? nil : text("help"))
        }
    }

    /// The report without its time fields (`…At`, `…Ms`, `duration…`), which differ from run to run.
    var withoutTimes: JSONValue {
        switch self {
        case .object(let o):
            .object(o.filter { k, _ in !(k.hasSuffix("At") || k.hasSuffix("Ms") || k.lowercased().hasPrefix("duration")) }
                .mapValues(\.withoutTimes))
        case .array(let a): .array(a.map(\.withoutTimes))
        default: self
        }
    }
}

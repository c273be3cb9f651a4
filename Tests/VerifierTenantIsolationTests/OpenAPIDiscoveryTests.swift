import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierTenantIsolation

/// What `openapi:` learns, from documents written the ways OpenAPI allows: 3.1 in JSON with `$ref`s and
/// type lists, and the 3.0 YAML of the books fixture.
@Suite struct OpenAPIDiscoveryTests {
    static let json31 = #"""
        {"openapi": "3.1.0", "info": {"title": "projects", "version": "1"},
         "security": [{"bearer": []}],
         "components": {
           "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
           "schemas": {
             "Project": {"type": "object", "properties": {"id": {"type": "integer"}, "owner_id": {"type": ["string", "null"]},
                                                          "name": {"type": "string"}}},
             "Page": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}}},
             "Credentials": {"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"},
                                                              "remember": {"type": "boolean"}}}}},
         "paths": {
           "/health": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}},
           "/auth/token": {"post": {"security": [{}], "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credentials"}}}},
                                    "responses": {"200": {"description": "a token", "content": {"application/json": {"schema":
                                      {"type": "object", "properties": {"access_token": {"type": "string"}, "expires_in": {"type": "integer"}}}}}}}}},
           "/v1/projects": {"get": {"responses": {"200": {"description": "page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}}},
           "/v1/projects/{projectId}": {"get": {"parameters": [{"name": "projectId", "in": "path", "required": true, "schema": {"type": "integer"}}],
                                                "responses": {"200": {"description": "one"}}},
                                        "delete": {"parameters": [{"name": "projectId", "in": "path", "required": true}], "responses": {"204": {"description": "gone"}}}},
           "/v1/a/{x}/b/{y}": {"get": {"responses": {"200": {"description": "two"}}}}}}
        """#

    func options(_ extra: String, files: [String: String]) throws -> HTTPOptions {
        let dir = try TempDir("tenant-discovery")
        defer { dir.remove() }
        try dir.write(files)
        let v = try makeVerifier("""
            base-url: http://127.0.0.1:9
            tenants: [{name: acme, password-env: A}, {name: globex, password-env: G}]
            \(extra)
            """, root: dir.path)
        return try #require((v as? TenantIsolationVerifier)?.http)
    }

    @Test func openAPI31InJSON() throws {
        let o = try options("openapi: api.json", files: ["api.json": Self.json31])
        let d = try #require(o.discovery)
        #expect(o.resources.map(\.path.description) == ["/v1/projects/{projectId}"])
        let r = o.resources[0]
        // DELETE needs allow-mutations; the items carry `id`, not `projectId`; the owner is `owner_id`.
        #expect(r.methods == ["GET"])
        #expect(r.idsFrom?.path.description == "/v1/projects" && r.idsFrom?.selector.description == "$['items'][*]")
        #expect(r.idsFrom?.idField == "id" && r.idsFrom?.ownerField == "owner_id")
        #expect(o.login?.path == "/auth/token" && o.login?.token.description == "$['access_token']")
        #expect(o.login?.body == .object(["email": .string("{username}"), "password": .string("{password}"), "remember": .bool(true)]))
        #expect(d.skipped["GET /health"] == "public (no security requirement)")
        #expect(d.skipped["POST /auth/token"] == "public: the login")
        #expect(d.skipped["DELETE /v1/projects/{projectId}"] == "changes data; set 'allow-mutations: true' to probe it")
        #expect(d.skipped["GET /v1/a/{x}/b/{y}"] == "2 object parameters; give it under 'resources'")

        let mutating = try options("openapi: api.json\nallow-mutations: true", files: ["api.json": Self.json31])
        #expect(mutating.resources[0].methods == ["DELETE", "GET"])
    }

    @Test func explicitResourcesAndLoginOverrideTheDocument() throws {
        let o = try options("""
            openapi: api.json
            login: {path: /session, token: $.jwt}
            resources: [{path: "/v1/projects/{projectId}", ids: {acme: [1], globex: [2]}}]
            """, files: ["api.json": Self.json31])
        #expect(o.resources.count == 1 && o.resources[0].idsFrom == nil && o.resources[0].ids["acme"] == ["1"])
        #expect(o.login?.path == "/session")
    }

    @Test func booksFixture() throws {
        let text = try String(contentsOfFile: Repo.path("Fixtures/tenant-isolation/openapi.yaml"), encoding: .utf8)
        let o = try options("openapi: openapi.yaml\nallow-mutations: true", files: ["openapi.yaml": text])
        #expect(o.resources.map(\.path.description) == ["/books/v1/{book_title}", "/users/v1/{username}", "/users/v1/{username}/password"])
        #expect(o.resources[1].ids == ["acme": ["acme"], "globex": ["globex"]])
        #expect(o.resources[2].body == .object(["password": .string("a-new-password")]))
        #expect(o.resources[0].create?.path.description == "/books/v1" && o.resources[0].create?.idField == "book_title")
        #expect(o.resources[0].methods == ["DELETE", "GET", "PUT"] && o.resources[0].create?.deletable == true)
        #expect(o.resources[0].body == .object(["secret": .string("a-changed-secret")]))
        #expect(o.discovery?.skipped["GET /me"] == "no object parameter: the tenant is the token's, nothing to cross")
    }
}

import Testing
@testable import GateHTTP

/// A header value with a line break would end that header and start one nobody wrote (a captured value,
/// a token variable): the client refuses the request before it connects, whatever sends it.
@Suite struct HeaderSafetyTests {
    @Test(arguments: ["a\r\nX-Evil: 1", "a\nX-Evil: 1", "a\rb", "a\u{0}b"])
    func aLineBreakOrNULInAHeaderIsRefused(value: String) async {
        let client = HTTPClient()
        defer { client.shutdown() }
        for headers in [[HTTPHeader("X-Inj", value)], [HTTPHeader("X-Inj" + value, "v")]] {
            let r = await client.send(HTTPRequest(url: "http://127.0.0.1:9/", headers: headers))
            guard case .failure(let e) = r else {
                Issue.record("sent: \(r)")
                continue
            }
            #expect(e.kind == .badRequest && e.message.contains("holds a line break or a NUL byte"), "\(e)")
            #expect(!e.message.contains("Evil"), "the message repeats the value: \(e.message)")
        }
        let batch = await client.send([HTTPRequest(url: "http://127.0.0.1:9/", headers: [HTTPHeader("X-Inj", value)])], concurrency: 1)
        #expect({ if case .failure(let e) = batch[0] { e.kind == .badRequest } else { false } }())
    }
}

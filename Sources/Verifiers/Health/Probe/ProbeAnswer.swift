import Foundation
import GateCore
import GateHTTP

/// What one probe got back: an HTTP response, a connection, or a command's output; or why nothing came.
struct ProbeAnswer: Sendable {
    var status: Int?
    var exitCode: Int32?
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    var bodyBytes = 0
    var timings = HTTPTimings()
    var failure: HTTPError?
    var refusedRedirect: String?
    /// The command's stderr tail, for messages.
    var stderr = ""
    /// What was actually requested (placeholders filled), for messages.
    var request: String

    var answered: Bool { failure == nil }

    /// The body as JSON: nil when it is not JSON (the reason is in `jsonError`).
    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(body)) }

    var jsonError: String {
        do {
            _ = try JSONDecoder().decode(JSONValue.self, from: Data(body))
            return ""
        } catch let DecodingError.dataCorrupted(c) {
            let inner = (c.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return inner ?? c.debugDescription
        } catch {
            return "\(error)"
        }
    }

    func header(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// Total time in milliseconds.
    var totalMs: Double { Double(timings.total) / 1000 }
}

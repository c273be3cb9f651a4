import GateCore
import GateHTTP

/// Expected status codes: `200`, `[200, 204]`, `2xx`, or a mix (`[2xx, 304]`).
struct StatusMatcher: Sendable, Hashable, CustomStringConvertible {
    enum Item: Sendable, Hashable {
        case code(Int)
        case range(ClosedRange<Int>, String)
    }

    let items: [Item]

    static let success = StatusMatcher(items: [.range(200...299, "2xx")])

    init(items: [Item]) { self.items = items }

    init(_ v: ConfigValue, key: String) throws(ConfigError) {
        let values = v.sequence ?? [v]
        var items: [Item] = []
        for item in values {
            guard let text = item.string?.lowercased() else {
                throw .invalidValue(item.location, key: key, expected: "a status such as 200, a list, or a class such as 2xx",
                                    got: item.typeDescription)
            }
            if let code = Int(text), (100...599).contains(code) {
                items.append(.code(code))
            } else if text.count == 3, text.hasSuffix("xx"), let d = Int(text.prefix(1)), (1...5).contains(d) {
                items.append(.range((d * 100)...(d * 100 + 99), text))
            } else {
                throw .invalidValue(item.location, key: key, expected: "a status from 100 to 599, or a class from 1xx to 5xx",
                                    got: item.typeDescription)
            }
        }
        guard !items.isEmpty else {
            throw .invalidValue(v.location, key: key, expected: "at least one status", got: "an empty list")
        }
        self.items = items
    }

    func matches(_ status: Int) -> Bool {
        items.contains { item in
            switch item {
            case .code(let c): c == status
            case .range(let r, _): r.contains(status)
            }
        }
    }

    var description: String {
        let parts = items.map { item -> String in
            switch item {
            case .code(let c): String(c)
            case .range(_, let label): label
            }
        }
        return parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }
}

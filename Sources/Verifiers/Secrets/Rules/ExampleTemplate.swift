import Foundation

/// Expands the example templates of the ruleset (`ghp_{r:62:30}{crc:30}`) into concrete text with random
/// bodies, so that rule examples are tested without any realistic token ever being committed.
/// The same seed gives the same text.
struct ExampleTemplate {
    /// SplitMix64: tiny, deterministic, good enough for test data.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let classes: [String: [UInt8]] = {
        let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8), lower = Array("abcdefghijklmnopqrstuvwxyz".utf8)
        let digits = Array("0123456789".utf8)
        return [
            "A": upper, "a": lower, "9": digits, "h": Array("0123456789abcdef".utf8), "H": Array("0123456789ABCDEF".utf8),
            "62": digits + upper + lower, "64": upper + lower + digits + Array("+/".utf8),
            "u": upper + lower + digits + Array("-_".utf8), "32": upper + Array("234567".utf8), "a9": lower + digits,
            "A9": upper + digits, "aA": upper + lower, "bech": Array("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L".utf8),
        ]
    }()

    enum Failure: Error, CustomStringConvertible {
        case bad(String)
        var description: String { if case .bad(let s) = self { return s } else { return "" } }
    }

    /// Expands every `{...}` directive. Unknown directives are an error, so a typo in the ruleset fails
    /// its test instead of silently producing a literal.
    static func expand(_ template: String, seed: UInt64) throws -> String {
        var rng = Generator(seed: seed)
        return try expand(template, using: &rng)
    }

    static func expand(_ template: String, using rng: inout Generator) throws -> String {
        var out: [UInt8] = []
        let t = Array(template.utf8)
        var i = 0
        while i < t.count {
            guard t[i] == UInt8(ascii: "{"), let close = t[i...].firstIndex(of: UInt8(ascii: "}")) else {
                out.append(t[i])
                i += 1
                continue
            }
            let directive = String(decoding: t[(i + 1)..<close], as: UTF8.self)
            guard let expansion = try expandDirective(directive, output: out, rng: &rng) else {
                // Not ours (for example JSON braces): keep the brace literally.
                out.append(t[i])
                i += 1
                continue
            }
            out += expansion
            i = close + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func expandDirective(_ d: String, output: [UInt8], rng: inout Generator) throws -> [UInt8]? {
        let parts = d.split(separator: ":", maxSplits: 2).map(String.init)
        switch parts.first {
        case "r":
            guard parts.count == 3, let set = classes[parts[1]], let n = Int(parts[2]) else { throw Failure.bad("bad directive {\(d)}") }
            return random(set, n, &rng)
        case "crc", "badcrc":
            guard parts.count == 2, let n = Int(parts[1]), n <= output.count else { throw Failure.bad("bad directive {\(d)}") }
            var crc = SecretChecks.crc32(output.suffix(n))
            if parts[0] == "badcrc" { crc ^= 0x0101_0101 }
            return SecretChecks.base62(crc)
        case "jwt": return parts.count == 1 ? jwt(header: #"{"alg":"HS256","typ":"JWT"}"#, &rng) : nil
        case "jwt-noalg": return parts.count == 1 ? jwt(header: #"{"typ":"JWT","kid":"k1"}"#, &rng) : nil
        case "jwt-unsigned": return parts.count == 1 ? jwt(header: #"{"alg":"none"}"#, signed: false, &rng) : nil
        case "pem", "pem1":
            guard parts.count == 2 else { throw Failure.bad("bad directive {\(d)}") }
            return pem(parts[1], oneLine: parts[0] == "pem1", &rng)
        case "nl": return parts.count == 1 ? [10] : nil
        default: return nil
        }
    }

    /// Random text from `set`; when long enough, it contains every kind of character the set offers
    /// (upper, lower, digit), as real random tokens almost always do.
    static func random(_ set: [UInt8], _ n: Int, _ rng: inout Generator) -> [UInt8] {
        let kinds = Set(set.map(kind))
        while true {
            let s = (0..<n).map { _ in set[Int(rng.next() % UInt64(set.count))] }
            if n < 12 || Set(s.map(kind)).isSuperset(of: kinds.intersection([0, 1, 2])) { return s }
        }
    }

    private static func kind(_ b: UInt8) -> Int {
        b >= 65 && b <= 90 ? 0 : b >= 97 && b <= 122 ? 1 : b >= 48 && b <= 57 ? 2 : 3
    }

    static func jwt(header: String, signed: Bool = true, _ rng: inout Generator) -> [UInt8] {
        let payload = #"{"sub":"\#(String(decoding: random(classes["a9"]!, 12, &rng), as: UTF8.self))","iat":1700000000}"#
        func b64url(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let signature = String(decoding: random(classes["u"]!, 43, &rng), as: UTF8.self)
        return Array("\(b64url(header)).\(b64url(payload)).\(signed ? signature : "")".utf8)
    }

    static func pem(_ label: String, oneLine: Bool, _ rng: inout Generator) -> [UInt8] {
        let lines = (0..<12).map { _ in String(decoding: random(classes["64"]!, 64, &rng), as: UTF8.self) }
        let sep = oneLine ? "\\n" : "\n"
        let text = "-----BEGIN \(label)-----" + sep + lines.joined(separator: sep) + sep + "-----END \(label)-----"
        return Array(text.utf8)
    }
}

import Foundation

/// The differing middle of two lines, widened to whole tokens: "…at 10:00:01 by…" vs "…at 10:00:02 by…"
/// gives "10:00:01" and "10:00:02".
enum TokenText {
    static func isTokenByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c >= 0x80
            || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
            || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
    }

    static func middles(_ a: [UInt8], _ b: [UInt8]) -> (String, String) {
        var p = 0
        while p < a.count, p < b.count, a[p] == b[p] { p += 1 }
        var s = 0
        while s < a.count - p, s < b.count - p, a[a.count - 1 - s] == b[b.count - 1 - s] { s += 1 }
        func widen(_ x: [UInt8], _ lo: Int, _ hi: Int) -> String {
            var lo = lo, hi = hi
            while lo > 0, isTokenByte(x[lo - 1]) { lo -= 1 }
            while hi < x.count, isTokenByte(x[hi]) { hi += 1 }
            return String(decoding: x[lo..<max(lo, hi)], as: UTF8.self)
        }
        return (widen(a, p, a.count - s), widen(b, p, b.count - s))
    }
}

/// Heuristics on the differing tokens.
enum TokenCauses {
    private static let datePatterns: [NSRegularExpression] = [
        #"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?"#,
        #"\b\d{1,2}:\d{2}:\d{2}([.,]\d+)?\b"#,
        #"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? +(\d{1,2} +)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"#,
        #"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* +\d{1,2}\b"#,
        #"\b\d{1,2}/\d{1,2}/\d{2,4}\b"#,
        // C's __DATE__ ("Dec  6 2026") and __TIMESTAMP__.
        #"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{4}\b"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    static func timestamp(_ midA: String, _ midB: String, lineA: [UInt8], lineB: [UInt8]) -> Cause? {
        if let a = epoch(midA), let b = epoch(midB) {
            let apart = abs(a.value - b.value)
            let span = a.scale == 1 ? "\(apart) s" : String(format: "%.3g s", Double(apart) / Double(a.scale))
            return Cause(label: "a timestamp", detail: "'\(midA)' vs '\(midB)' are epoch times, \(span) apart (\(TimeText.utc(a.seconds)))",
                         help: help, brief: "'\(clip(midA))' vs '\(clip(midB))'")
        }
        if let a = Int(midA), let b = Int(midB), midA.count == 4, midB.count == 4, (1970...2200).contains(a), (1970...2200).contains(b) {
            return Cause(label: "a timestamp", detail: "'\(midA)' vs '\(midB)' look like years", help: help, brief: "'\(midA)' vs '\(midB)'")
        }
        for (mid, line) in [(midA, lineA), (midB, lineB)] where !mid.isEmpty {
            let text = String(decoding: line, as: UTF8.self)
            for re in datePatterns {
                for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    guard let r = Range(m.range, in: text) else { continue }
                    let found = String(text[r])
                    let pieces = mid.split(separator: " ").filter { $0.count >= 2 }
                    if found.contains(mid) || mid.contains(found) || overlaps(found, mid) || pieces.contains(where: { found.contains($0) }) {
                        return Cause(label: "a timestamp", detail: "'\(clip(midA))' vs '\(clip(midB))' look like dates or times", help: help,
                                     brief: "'\(clip(midA))' vs '\(clip(midB))'")
                    }
                }
            }
        }
        return nil
    }

    private static let help = "Leave the current time out of outputs, or take it from SOURCE_DATE_EPOCH; "
        + "or, if the field is expected to vary, drop it with 'normalize'."

    /// Seconds since 1970 when the token is an epoch time in seconds, ms, µs or ns between 2001 and 2100.
    static func epoch(_ token: String) -> (seconds: Int, value: Int, scale: Int)? {
        guard token.count >= 9, token.count <= 19, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
              let v = Int(token) else { return nil }
        for scale in [1, 1000, 1_000_000, 1_000_000_000] {
            let seconds = v / scale
            if seconds >= 978_307_200 && seconds <= 4_102_444_800 && String(v).count == String(seconds).count + String(scale).count - 1 {
                return (seconds, v, scale)
            }
        }
        return nil
    }

    private static func overlaps(_ a: String, _ b: String) -> Bool {
        guard a.count >= 4, b.count >= 4 else { return false }
        return a.hasSuffix(String(b.prefix(4))) || b.hasSuffix(String(a.prefix(4))) || a.contains(b.prefix(4))
    }

    static func pid(_ midA: String, _ midB: String, pidA: Int, pidB: Int) -> Cause? {
        guard let a = Int(midA), let b = Int(midB), a != b else { return nil }
        guard (pidA..<(pidA + 5000)).contains(a), (pidB..<(pidB + 5000)).contains(b) else { return nil }
        return Cause(label: "a process ID", detail: "'\(a)' vs '\(b)' match the runs' process IDs (\(pidA), \(pidB) and their children)",
                     help: "Keep PIDs out of outputs (temporary names built from $$ or getpid() leak them).", brief: "'\(a)' vs '\(b)'")
    }

    static func address(_ a: String, _ b: String) -> Cause? {
        func isAddress(_ s: String) -> Bool {
            s.range(of: #"0x[0-9a-fA-F]{6,16}"#, options: .regularExpression) != nil
        }
        guard isAddress(a) || isAddress(b) else { return nil }
        return Cause(label: "a memory address", detail: "'\(clip(a))' vs '\(clip(b))' look like pointers",
                     help: "Never print object addresses or default object representations (repr, %p); ASLR moves them every run.",
                     brief: "'\(clip(a))' vs '\(clip(b))'")
    }

    static func uuid(_ a: String, _ b: String) -> Cause? {
        let pattern = #"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"#
        guard a.range(of: pattern, options: .regularExpression) != nil, b.range(of: pattern, options: .regularExpression) != nil else { return nil }
        return Cause(label: "a random UUID", detail: "'\(clip(a))' vs '\(clip(b))'",
                     help: "Derive ids from the input (a name-based UUIDv5 or a content hash) instead of generating random ones.",
                     brief: "'\(clip(a))' vs '\(clip(b))'")
    }

    /// Long tokens of hex or base64 characters with high per-character entropy.
    static func entropy(_ a: String, _ b: String) -> Cause? {
        func randomLooking(_ s: String) -> Bool {
            let chars = Array(s.utf8)
            guard chars.count >= 16, chars.allSatisfy({ TokenText.isTokenByte($0) || $0 == UInt8(ascii: "=") }) else { return false }
            let digit = chars.contains { $0 >= 0x30 && $0 <= 0x39 }
            let upper = chars.contains { $0 >= 0x41 && $0 <= 0x5A }
            let lower = chars.contains { $0 >= 0x61 && $0 <= 0x7A }
            // One random base64 token in a hundred has no digit: mixed case alone will do, with a higher bar
            // (camel-case identifiers of that length stay under 4 bits per character).
            if digit && (upper || lower) { return shannon(chars) >= 3.5 }
            return upper && lower && shannon(chars) >= 4.0
        }
        guard randomLooking(a), randomLooking(b) else { return nil }
        return Cause(label: "random-looking bytes", detail: "'\(clip(a))' vs '\(clip(b))' look like random tokens, nonces or hashes of varying input",
                     help: "Seed random generators from the input, or derive the value from the content; never from time or os.urandom.",
                     brief: "'\(clip(a))' vs '\(clip(b))'")
    }

    static func binaryEntropy(_ input: CauseInput) -> Cause? {
        let a = ByteCompare.bytes(input.fileA, at: input.difference.offset, count: 256)
        let b = ByteCompare.bytes(input.fileB, at: input.difference.offset, count: 256)
        guard a.count >= 64, b.count >= 64, shannon(a) >= 6.5, shannon(b) >= 6.5 else { return nil }
        return Cause(label: "high-entropy bytes", detail: "the bytes from offset \(input.difference.offset) look random (or compressed or encrypted data whose input changed)",
                     help: "Find what feeds the random or compressed section; seed randomness from the input.")
    }

    static func shannon(_ bytes: [UInt8]) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for b in bytes { counts[Int(b)] += 1 }
        let n = Double(bytes.count)
        return counts.reduce(0.0) { acc, c in c == 0 ? acc : acc - Double(c) / n * log2(Double(c) / n) }
    }

    /// The differing lines hold the same tokens in another order: set or map iteration order.
    static func reorderedTokens(_ a: [UInt8], _ b: [UInt8], runB: RunRecord) -> Cause? {
        func tokens(_ x: [UInt8]) -> [String] {
            x.split(whereSeparator: { !TokenText.isTokenByte($0) }).map { String(decoding: $0, as: UTF8.self) }
        }
        let ta = tokens(a), tb = tokens(b)
        guard ta.count >= 2, ta != tb, ta.sorted() == tb.sorted() else { return nil }
        let seed = runB.plan.variations.first { $0.variation == Variation.random.rawValue && $0.applied }
        let why = seed.map { "; run \(runB.index) had \($0.detail), so hash-ordered collections iterate differently" } ?? ""
        return Cause(label: "ordering", detail: "the differing line holds the same \(ta.count) items in another order\(why)",
                     help: "Sort before writing: iteration over sets, hash maps, directory listings or parallel results is not ordered.",
                     brief: "the same items in another order" + (seed != nil ? ", under another hash seed" : ""))
    }

    static func clip(_ s: String) -> String { s.count > 60 ? String(s.prefix(57)) + "..." : s }
}

import GateCore

/// Markup (HTML or XML) built as UTF-8 bytes in one growing array.
///
/// Why not a String: the HTML report of a 200-check run with history is 400-600 KB, most of it sparkline
/// bars, and String appends went through its storage bookkeeping (capacity, ASCII flags, bridging) for
/// every piece. In perf of 200-check runs that bookkeeping was most of the HTML report's CPU, and the
/// HTML report is the longest of the five reports written side by side after the last check. Escaping
/// follows `XMLText` exactly: text that needs escaping goes through it, so both give the same bytes.
struct MarkupBuffer {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends a literal as is.
    mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends markup that is already escaped (or needs none).
    mutating func raw(_ s: String) {
        // withUTF8 hands over the string's own bytes (a native or small string needs no copy); appending
        // `s.utf8` as a sequence went through a slower generic path.
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends `s` escaped as element text.
    mutating func text(_ s: String) { escaped(s, attribute: false) }

    /// Appends `open`, then `s` escaped as text, then `close`: an element with text inside.
    mutating func text(_ open: StaticString, _ s: String, _ close: StaticString) {
        raw(open)
        text(s)
        raw(close)
    }

    /// Appends `s` escaped as an attribute value (tab and newline encoded too).
    mutating func attr(_ s: String) { escaped(s, attribute: true) }

    /// Appends ` name="value"` with the value escaped.
    mutating func attribute(_ name: StaticString, _ value: String) {
        raw(" ")
        raw(name)
        raw("=\"")
        attr(value)
        raw("\"")
    }

    /// Appends ` name="value"` for a whole number.
    mutating func attribute(_ name: StaticString, _ value: Int) {
        raw(" ")
        raw(name)
        raw("=\"")
        int(value)
        raw("\"")
    }

    /// Drops what was written after the first `count` bytes.
    mutating func truncate(to count: Int) {
        bytes.removeSubrange(count...)
    }

    /// Appends another buffer's bytes.
    mutating func append(_ other: MarkupBuffer) {
        bytes.append(contentsOf: other.bytes)
    }

    /// Appends a whole number in decimal.
    mutating func int(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        // The digits come out last first: append them, then reverse them in place.
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
        bytes[start...].reverse()
    }

    /// Appends a duration as `DurationParsing.format` writes it, without building a String for the
    /// common case of under a second.
    mutating func milliseconds(_ ms: Int) {
        if ms >= 0 && ms < 1000 {
            int(ms)
            raw("ms")
        } else {
            raw(DurationParsing.format(.milliseconds(ms)))
        }
    }

    private mutating func escaped(_ s: String, attribute: Bool) {
        if XMLText.needsEscaping(s, attribute: attribute) {
            raw(attribute ? XMLText.escapeAttribute(s) : XMLText.escape(s))
        } else {
            raw(s)
        }
    }
}

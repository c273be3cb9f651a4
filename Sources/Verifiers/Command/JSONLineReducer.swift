import Foundation
import GateCore

/// Turns one JSON Lines line, fed in pieces of any size, into a small JSON text that keeps at most
/// `fieldBytes` of each string, so that a 200 MB message costs gate 8 KiB, never the whole line.
///
/// It follows only what it must: whether it is inside a string (and an escape), the nesting depth, and
/// at the top level which string is a key. Strings are cut where a cut keeps the text valid (never inside
/// an escape, a UTF-8 sequence or a surrogate pair); the bytes dropped from the top-level value of each
/// key are counted in `cut`, so the finding's marker can say how much the plugin sent. Everything else is
/// copied as it is, up to `lineLimit` bytes; a line that still does not fit is `overflowed` and is
/// reported as invalid rather than parsed. JSONSerialization then parses the reduced text as usual.
///
/// Hand-written because no JSON parser available here reads a document incrementally with a bound on what
/// it holds; this is a byte filter, not a parser (JSONSerialization still judges the JSON).
struct JSONLineReducer {
    let fieldBytes: Int
    let lineLimit: Int

    private(set) var output: [UInt8] = []
    private(set) var overflowed = false
    /// Bytes dropped from the top-level string value of each key.
    private(set) var cut: [String: Int] = [:]

    private var inString = false
    private var escape = 0          // bytes of the current escape still to come (after the backslash)
    private var inUnicodeEscape = false
    private var unicodeValue: UInt32 = 0
    private var afterHighSurrogate = false
    private var stringBytes = 0     // content bytes of the current string copied
    private var dropping = false    // the current string passed fieldBytes: its content is skipped
    private var dropped = 0
    private var depth = 0
    private var expectKey = false   // at depth 1, the next string is a key
    private var stringIsKey = false
    private var keyBytes: [UInt8] = []
    private var currentKey = ""

    init(fieldBytes: Int, lineLimit: Int) {
        self.fieldBytes = fieldBytes
        self.lineLimit = lineLimit
    }

    mutating func reset() {
        self = JSONLineReducer(fieldBytes: fieldBytes, lineLimit: lineLimit)
    }

    /// Feeds the next bytes of the line (without its newline).
    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i < n && !overflowed {
            if inString && dropping && escape == 0 {
                // The rest of a long string: skip to its next quote or backslash without looking at each byte twice.
                var j = i
                while j < n && bytes[j] != 0x22 && bytes[j] != 0x5C { j += 1 }
                dropped += j - i
                i = j
                if i == n { break }
            }
            feed(bytes[i])
            i += 1
        }
    }

    /// True when the line so far is only blanks (spaces, tabs, carriage returns).
    var isBlank: Bool { !overflowed && output.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }

    @inline(__always)
    private mutating func emit(_ b: UInt8) {
        if output.count >= lineLimit { overflowed = true; return }
        output.append(b)
    }

    private mutating func feed(_ b: UInt8) {
        if overflowed { return }
        guard inString else {
            switch b {
            case 0x22:  // "
                inString = true
                stringBytes = 0
                dropping = false
                dropped = 0
                stringIsKey = depth == 1 && expectKey
                if stringIsKey { keyBytes.removeAll(keepingCapacity: true) }
                afterHighSurrogate = false
            case 0x7B, 0x5B:  // { [
                depth += 1
                expectKey = b == 0x7B && depth == 1
            case 0x7D, 0x5D:  // } ]
                depth -= 1
            case 0x2C:  // ,
                if depth == 1 { expectKey = true }
            case 0x3A:  // :
                if depth == 1 { expectKey = false }
            default:
                break
            }
            emit(b)
            return
        }
        // Inside a string.
        if escape > 0 {
            escape -= 1
            if inUnicodeEscape {
                unicodeValue = unicodeValue << 4 | UInt32(Self.hexValue(b))
                if escape == 0 {
                    inUnicodeEscape = false
                    afterHighSurrogate = (0xD800...0xDBFF).contains(unicodeValue)
                }
            } else if b == 0x75 {  // \u: four hex digits follow
                escape = 4
                inUnicodeEscape = true
                unicodeValue = 0
            } else {
                afterHighSurrogate = false
            }
            content(b)
            return
        }
        if b == 0x5C {  // backslash
            escape = 1
            // A cut may fall before an escape, not inside it.
            startDroppingIfDue(b)
            content(b)
            return
        }
        if b == 0x22 {  // the closing quote
            inString = false
            if stringIsKey {
                currentKey = String(decoding: keyBytes, as: UTF8.self)
            } else if depth == 1 && dropped > 0 {
                cut[currentKey, default: 0] += dropped
            }
            emit(b)
            return
        }
        startDroppingIfDue(b)
        afterHighSurrogate = false
        content(b)
    }

    /// Past `fieldBytes`, the string's content is dropped from a byte that starts a character (not a UTF-8
    /// continuation byte, not the low half of a surrogate pair).
    @inline(__always)
    private mutating func startDroppingIfDue(_ b: UInt8) {
        if !dropping && stringBytes >= fieldBytes && b & 0xC0 != 0x80 && !afterHighSurrogate { dropping = true }
    }

    @inline(__always)
    private mutating func content(_ b: UInt8) {
        if dropping {
            dropped += 1
            return
        }
        stringBytes += 1
        if stringIsKey { keyBytes.append(b) }
        emit(b)
    }

    private static func hexValue(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x37
        case 0x61...0x66: b - 0x57
        default: 0
        }
    }
}

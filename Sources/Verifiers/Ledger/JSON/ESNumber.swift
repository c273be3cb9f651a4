/// Numbers as RFC 8785 §3.2.2.3 writes them: ECMAScript's Number::toString (ECMA-262 §6.1.6.1.20) of the
/// IEEE-754 double the JSON text denotes.
///
/// The shortest digit string that reads back as the same double (and the closest of several) comes from
/// Swift's own `description`, which prints exactly those digits (SwiftDtoa); this type only lays them out
/// the way ECMAScript does: plain digits up to 21 places before the point, `0.000001` down to six zeros
/// after it, exponent form (`1e+21`, `1.5e-7`) beyond. Checked against the 1,000,000-value ES6 test
/// file of RFC 8785's reference implementation (ESNumberTests).
enum ESNumber {
    /// The shortest round-trip decimal digits of `x` (no leading or trailing zeros; "0" for zero) and
    /// ECMAScript's `n`: the value is 0.d1d2...dk × 10^n.
    static func digits(_ x: Double) -> (digits: [UInt8], n: Int) {
        var text = Array(x.magnitude.description.utf8)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
            text.removeSubrange(e...)
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var point = -1
        for c in text {
            if c == UInt8(ascii: ".") { point = digits.count } else { digits.append(c) }
        }
        return normalized(digits, point: point < 0 ? digits.count : point, exponent: exponent)
    }

    /// Digits with the decimal point after `point` of them, times 10^exponent, without leading or trailing
    /// zeros, as (digits, n) with the value 0.digits × 10^n.
    private static func normalized(_ raw: [UInt8], point: Int, exponent: Int) -> (digits: [UInt8], n: Int) {
        var digits = raw
        var n = point + exponent
        var lead = 0
        while lead < digits.count, digits[lead] == UInt8(ascii: "0") { lead += 1 }
        digits.removeFirst(lead)
        n -= lead
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        if digits.isEmpty { return ([UInt8(ascii: "0")], 1) }
        return (digits, n)
    }

    /// Appends ECMAScript's rendering of a finite `x` to `out`; `-0` is written `0`.
    static func append(_ x: Double, to out: inout [UInt8]) {
        if x == 0 { out.append(UInt8(ascii: "0")); return }
        if x < 0 { out.append(UInt8(ascii: "-")) }
        let (d, n) = digits(x)
        let k = d.count
        if k <= n && n <= 21 {
            out.append(contentsOf: d)
            for _ in 0..<(n - k) { out.append(UInt8(ascii: "0")) }
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: d[0..<n])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: d[n...])
        } else if -6 < n && n <= 0 {
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "."))
            for _ in 0..<(-n) { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: d)
        } else {
            out.append(d[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: d[1...])
            }
            out.append(UInt8(ascii: "e"))
            out.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            out.append(contentsOf: Array(String((n - 1).magnitude).utf8))
        }
    }

    /// ECMAScript's rendering of a finite `x` as a string.
    static func string(_ x: Double) -> String {
        var out: [UInt8] = []
        append(x, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The significant digits and `n` of a JSON number literal as written (sign dropped), in the same
    /// normal form as `digits(_:)`, so that the two compare equal exactly when the double keeps the
    /// literal's value.
    static func literalDigits(_ literal: UnsafeBufferPointer<UInt8>) -> (digits: [UInt8], n: Int) {
        var digits: [UInt8] = []
        var point = -1
        var exponent = 0
        var i = 0
        if i < literal.count, literal[i] == UInt8(ascii: "-") { i += 1 }
        while i < literal.count {
            let c = literal[i]
            if c == UInt8(ascii: ".") {
                point = digits.count
            } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                // Exponents beyond any double's range are clamped; the value is then out of range anyway.
                var k = i + 1
                var negative = false
                if k < literal.count, literal[k] == UInt8(ascii: "-") || literal[k] == UInt8(ascii: "+") {
                    negative = literal[k] == UInt8(ascii: "-")
                    k += 1
                }
                while k < literal.count {
                    exponent = min(exponent * 10 + Int(literal[k] - UInt8(ascii: "0")), 1_000_000_000)
                    k += 1
                }
                if negative { exponent = -exponent }
                break
            } else {
                digits.append(c)
            }
            i += 1
        }
        return normalized(digits, point: point < 0 ? digits.count : point, exponent: exponent)
    }
}

/// A parsed exposition: families by name, each with its type, help and samples.
struct Exposition: Sendable {
    struct Sample: Sendable {
        /// The sample's own name (`x_bucket`, `x_total`), which `require` matches.
        var name: String
        var labels: [String: String]
        /// Label names in the order written, for duplicate detection.
        var labelOrder: [String]
        var value: Double
        var line: Int
    }

    struct Family: Sendable {
        var name: String
        var type: String?
        var help: String?
        var unit: String?
        var samples: [Sample] = []
    }

    var families: [String: Family] = [:]
    var openMetrics = false

    var sampleCount: Int { families.values.reduce(0) { $0 + $1.samples.count } }
}

/// Where an exposition stops parsing, as the Prometheus parsers report it: the line and what is wrong.
struct ExpositionError: Error, Sendable, Equatable {
    var line: Int
    var message: String
}

/// A parser for the Prometheus text exposition format that accepts and rejects what the Go parser in
/// prometheus/common (expfmt/text_parse.go, TextParser) does, with its messages, for the classic names
/// (no quoted UTF-8 names). With `openMetrics` it reads OpenMetrics 1.0 instead: `# EOF` must end the
/// text, `# UNIT` is allowed, the types are OpenMetrics' own, and a counter's samples carry `_total`.
enum PromText {
    static let textTypes: Set<String> = ["COUNTER", "GAUGE", "SUMMARY", "UNTYPED", "HISTOGRAM", "GAUGE_HISTOGRAM", "GAUGEHISTOGRAM"]
    static let openMetricsTypes: Set<String> = ["counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown"]

    static func parse(_ text: String, openMetrics: Bool) -> Result<Exposition, ExpositionError> {
        var e = Exposition()
        e.openMetrics = openMetrics
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        var sawEOF = false
        for (i, raw) in lines.enumerated() {
            let n = i + 1
            let line = Substring(raw)
            if sawEOF { return .failure(ExpositionError(line: n, message: "data after # EOF")) }
            if openMetrics && line == "# EOF" { sawEOF = true; continue }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty {
                if openMetrics { return .failure(ExpositionError(line: n, message: "blank line")) }
                continue
            }
            if trimmed.first == "#" {
                if let err = comment(trimmed, line: n, into: &e) { return .failure(err) }
                continue
            }
            if let err = sample(trimmed, line: n, into: &e) { return .failure(err) }
        }
        if openMetrics && !sawEOF { return .failure(ExpositionError(line: lines.count, message: "no # EOF at the end")) }
        e.families = e.families.filter { !$0.value.samples.isEmpty || $0.value.type != nil || $0.value.help != nil }
        return .success(e)
    }

    private static func comment(_ line: Substring, line n: Int, into e: inout Exposition) -> ExpositionError? {
        var words = line.dropFirst().drop { $0 == " " || $0 == "\t" }
        let keyword = words.prefix { $0 != " " && $0 != "\t" }
        guard ["HELP", "TYPE"].contains(keyword) || (e.openMetrics && keyword == "UNIT") else { return nil }  // other comments
        words = words.dropFirst(keyword.count).drop { $0 == " " || $0 == "\t" }
        let name = words.prefix { $0 != " " && $0 != "\t" }
        guard validMetricName(name) else { return ExpositionError(line: n, message: "invalid metric name in comment") }
        let rest = words.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        var family = e.families[String(name)] ?? Exposition.Family(name: String(name))
        switch keyword {
        case "HELP":
            if family.help != nil { return ExpositionError(line: n, message: "second HELP line for metric name \"\(name)\"") }
            guard let text = unescape(rest, quotes: false) else {
                return ExpositionError(line: n, message: "invalid escape sequence in HELP of \"\(name)\"")
            }
            family.help = text
        case "TYPE":
            if family.type != nil || (e.openMetrics && !family.samples.isEmpty) {
                return ExpositionError(line: n, message: "second TYPE line for metric name \"\(name)\", or TYPE reported after samples")
            }
            let t = String(rest).trimmingTrailingBlanks()
            let valid = e.openMetrics ? openMetricsTypes.contains(t) : textTypes.contains(t.uppercased())
            guard valid else { return ExpositionError(line: n, message: "unknown metric type \"\(t)\"") }
            family.type = e.openMetrics ? t : t.lowercased()
        default:
            family.unit = String(rest)
        }
        e.families[String(name)] = family
        return nil
    }

    private static func sample(_ line: Substring, line n: Int, into e: inout Exposition) -> ExpositionError? {
        var s = line
        let name = s.prefix { isNameChar($0) }
        guard validMetricName(name) else { return ExpositionError(line: n, message: "invalid metric name") }
        s = s.dropFirst(name.count)
        var labels: [String: String] = [:]
        var order: [String] = []
        s = s.drop { $0 == " " || $0 == "\t" }
        if s.first == "{" {
            s = s.dropFirst()
            while true {
                s = s.drop { $0 == " " || $0 == "\t" }
                if s.first == "}" { s = s.dropFirst(); break }
                let label = s.prefix { isNameChar($0) && $0 != ":" }
                guard let c = label.first, !c.isNumber else {
                    return ExpositionError(line: n, message: "invalid label name for metric \"\(name)\"")
                }
                s = s.dropFirst(label.count).drop { $0 == " " || $0 == "\t" }
                guard s.first == "=" else {
                    return ExpositionError(line: n, message: "expected '=' after label name, found \"\(s.first.map(String.init) ?? "")\"")
                }
                if label == "__name__" { return ExpositionError(line: n, message: "label name \"__name__\" is reserved") }
                s = s.dropFirst().drop { $0 == " " || $0 == "\t" }
                guard s.first == "\"" else {
                    return ExpositionError(line: n, message: "expected '\"' at start of label value, found \"\(s.first.map(String.init) ?? "")\"")
                }
                s = s.dropFirst()
                var raw = Substring("")
                var escaped = false
                var closed = false
                var idx = s.startIndex
                while idx < s.endIndex {
                    let c = s[idx]
                    if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { closed = true; break }
                    idx = s.index(after: idx)
                }
                guard closed else { return ExpositionError(line: n, message: "unexpected end of label value \"\(s)\"") }
                raw = s[..<idx]
                s = s[s.index(after: idx)...]
                guard let value = unescape(raw, quotes: true) else {
                    return ExpositionError(line: n, message: "invalid escape sequence in label value \"\(raw)\"")
                }
                if labels[String(label)] != nil {
                    return ExpositionError(line: n, message: "duplicate label names for metric \"\(name)\"")
                }
                labels[String(label)] = value
                order.append(String(label))
                s = s.drop { $0 == " " || $0 == "\t" }
                if s.first == "," { s = s.dropFirst() } else if s.first != "}" {
                    return ExpositionError(line: n, message: "unexpected end of label value \"\(value)\"")
                }
            }
        }
        s = s.drop { $0 == " " || $0 == "\t" }
        if e.openMetrics, let hash = s.range(of: " # ") { s = s[..<hash.lowerBound] }  // an exemplar
        let parts = s.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let valueText = parts.first else { return ExpositionError(line: n, message: "unexpected end of input stream") }
        guard let value = parseFloat(valueText) else {
            return ExpositionError(line: n, message: "expected float as value, got \"\(valueText)\"")
        }
        if parts.count > 1 {
            let ts = parts[1]
            let okTimestamp = e.openMetrics ? parseFloat(ts) != nil : Int64(ts) != nil
            guard okTimestamp else { return ExpositionError(line: n, message: "expected integer as timestamp, got \"\(ts)\"") }
            if parts.count > 2 { return ExpositionError(line: n, message: "spurious string after timestamp: \"\(parts[2])\"") }
        }
        let family = familyName(String(name), in: e)
        var f = e.families[family] ?? Exposition.Family(name: family)
        let t = f.type ?? ""
        if t == "histogram" || t == "gaugehistogram" || t == "gauge_histogram" {
            if name.hasSuffix("_bucket"), let le = labels["le"], parseFloat(Substring(le)) == nil {
                return ExpositionError(line: n, message: "expected float as value for 'le' label, got \"\(le)\"")
            }
            if (name.hasSuffix("_count") || name.hasSuffix("_bucket")) && value < 0 {
                return ExpositionError(line: n, message: name.hasSuffix("_count") ? "negative count for histogram \"\(family)\""
                                       : "negative bucket population for histogram \"\(family)\"")
            }
        }
        if t == "summary", let q = labels["quantile"], parseFloat(Substring(q)) == nil {
            return ExpositionError(line: n, message: "expected float as value for 'quantile' label, got \"\(q)\"")
        }
        f.samples.append(Exposition.Sample(name: String(name), labels: labels, labelOrder: order, value: value, line: n))
        e.families[family] = f
        return nil
    }

    /// The family a sample belongs to: `x_sum`, `x_count` and `x_bucket` join a summary or histogram `x`
    /// (setOrCreateCurrentMF); in OpenMetrics also `x_total` and `x_created` join a counter, `x_info` an info.
    static func familyName(_ name: String, in e: Exposition) -> String {
        if e.families[name] != nil { return name }
        for suffix in ["_count", "_sum", "_bucket", "_total", "_created", "_info", "_gcount", "_gsum"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            guard let t = e.families[base]?.type else { continue }
            switch suffix {
            case "_count", "_sum": if ["summary", "histogram", "gaugehistogram", "gauge_histogram"].contains(t) { return base }
            case "_bucket": if ["histogram", "gaugehistogram", "gauge_histogram"].contains(t) { return base }
            case "_total", "_created": if e.openMetrics && ["counter", "summary", "histogram"].contains(t) { return base }
            case "_info": if e.openMetrics && t == "info" { return base }
            default: if e.openMetrics && t == "gaugehistogram" { return base }
            }
        }
        return name
    }

    static func validMetricName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy(isNameChar)
    }

    static func isNameChar(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == ":") }

    /// Go's strconv.ParseFloat as expfmt calls it (no 'p' or '_', so no hex floats or digit separators).
    static func parseFloat(_ s: Substring) -> Double? {
        guard !s.isEmpty, !s.contains(where: { "pP_".contains($0) }) else { return nil }
        switch s.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }) else { return nil }
        return Double(s)
    }

    /// Label values (and HELP text) with `\\`, `\n` and (in label values) `\"` escapes resolved; nil on a bad escape.
    private static func unescape(_ s: Substring, quotes: Bool) -> String? {
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                switch c {
                case "\\": out.append("\\")
                case "n": out.append("\n")
                case "\"" where quotes: out.append("\"")
                default: return nil
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return escaped ? nil : out
    }
}

private extension String {
    func trimmingTrailingBlanks() -> String {
        var s = Substring(self)
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return String(s)
    }
}

/// The lint problems `promtool check metrics` reports, rule for rule from client_golang's promlint
/// (prometheus/testutil/promlint/validations): help text, base units, counter suffixes, reserved suffixes
/// and labels, the type in the name, ':' in names, camelCase, abbreviated units and duplicate series.
enum PromLint {
    struct Problem: Sendable, Hashable, Comparable {
        var metric: String
        var text: String

        static func < (a: Problem, b: Problem) -> Bool { (a.metric, a.text) < (b.metric, b.text) }
    }

    static func problems(_ e: Exposition) -> [Problem] {
        var out: [Problem] = []
        for name in e.families.keys.sorted() {
            let f = e.families[name]!
            guard !f.samples.isEmpty else { continue }  // expfmt drops families without samples
            for text in lint(f) { out.append(Problem(metric: name, text: text)) }
        }
        return out.sorted()
    }

    private static let units: [String: String] = [
        "amperes": "amperes", "bytes": "bytes", "celsius": "celsius", "grams": "grams", "joules": "joules",
        "kelvin": "kelvin", "meters": "meters", "metres": "metres", "seconds": "seconds", "volts": "volts",
        "minutes": "seconds", "hours": "seconds", "days": "seconds", "weeks": "seconds", "kelvins": "kelvin",
        "fahrenheit": "celsius", "rankine": "celsius", "inches": "meters", "yards": "meters", "miles": "meters",
        "bits": "bytes", "calories": "joules", "pounds": "grams", "ounces": "grams",
    ]
    private static let prefixes = ["pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi", "mega",
                                   "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi"]
    private static let abbreviations = ["s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"]

    static func lint(_ f: Exposition.Family) -> [String] {
        var p: [String] = []
        let name = f.name
        let type = f.type.map(normalType) ?? "untyped"
        // LintHelp
        if f.help == nil { p.append("no help text") }
        // LintMetricUnits
        if let (unit, base) = metricUnit(name), unit != base { p.append("use base unit \"\(base)\" instead of \"\(unit)\"") }
        // LintCounter
        let total = name.hasSuffix("_total")
        if type == "counter" && !total { p.append("counter metrics should have \"_total\" suffix") }
        if type != "untyped" && type != "counter" && total { p.append("non-counter metrics should not have \"_total\" suffix") }
        // LintHistogramSummaryReserved
        if type != "untyped" {
            let histogram = type == "histogram", summary = type == "summary"
            if !histogram && name.hasSuffix("_bucket") { p.append("non-histogram metrics should not have \"_bucket\" suffix") }
            if !histogram && !summary && name.hasSuffix("_count") {
                p.append("non-histogram and non-summary metrics should not have \"_count\" suffix")
            }
            if !histogram && !summary && name.hasSuffix("_sum") {
                p.append("non-histogram and non-summary metrics should not have \"_sum\" suffix")
            }
            for s in f.samples {
                for l in s.labelOrder {
                    if !histogram && l == "le" { p.append("non-histogram metrics should not have \"le\" label") }
                    if !summary && l == "quantile" { p.append("non-summary metrics should not have \"quantile\" label") }
                }
            }
        }
        // LintMetricTypeInName
        if type != "untyped" {
            let lower = name.lowercased()
            if lower.contains("_\(type)_") || lower.hasSuffix("_\(type)") { p.append("metric name should not include type '\(type)'") }
        }
        // LintReservedChars
        if name.contains(":") { p.append("metric names should not contain ':'") }
        // LintCamelCase
        if camel(name) { p.append("metric names should be written in 'snake_case' not 'camelCase'") }
        for s in f.samples {
            for l in s.labelOrder where camel(l) { p.append("label names should be written in 'snake_case' not 'camelCase'") }
        }
        // LintUnitAbbreviations
        let lower = name.lowercased()
        for a in abbreviations where lower.contains("_\(a)_") || lower.hasSuffix("_\(a)") {
            p.append("metric names should not contain abbreviated units")
        }
        // LintDuplicateMetric: the same label set twice in a family (a histogram's or summary's series
        // are grouped per label set first, as the parser does).
        // The parser merges a histogram's or summary's samples per label set, so only other types can repeat.
        // Labels compare in the order written, as reflect.DeepEqual compares the parsed label pairs.
        if !["histogram", "summary", "gauge_histogram"].contains(type) {
            var seen: [String: Int] = [:]
            for s in f.samples {
                seen[s.labelOrder.map { "\($0)=\(s.labels[$0]!)" }.joined(separator: "\u{0}"), default: 0] += 1
            }
            for count in seen.values where count > 1 {
                for _ in 0..<(count - 1) { p.append("metric not unique") }
            }
        }
        return p
    }

    private static func normalType(_ t: String) -> String {
        switch t.lowercased() {
        case "gaugehistogram", "gauge_histogram": "gauge_histogram"
        case "unknown": "untyped"
        default: t.lowercased()
        }
    }

    private static func metricUnit(_ name: String) -> (String, String)? {
        for part in name.split(separator: "_", omittingEmptySubsequences: false).map(String.init) {
            if let base = units[part] { return (part, base) }
            for prefix in prefixes where part.hasPrefix(prefix) {
                if let base = units[String(part.dropFirst(prefix.count))] { return (part, base) }
            }
        }
        return nil
    }

    private static func camel(_ s: String) -> Bool {
        let chars = Array(s.unicodeScalars)
        return zip(chars, chars.dropFirst()).contains { a, b in
            ("a"..."z").contains(a) && ("A"..."Z").contains(b)
        }
    }
}

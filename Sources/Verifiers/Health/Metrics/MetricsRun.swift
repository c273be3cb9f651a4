import GateCore
import GateOpenAPI

/// Scrapes and judges `metrics:`. Stats: families, samples, format, lint problems, requirements met.
enum MetricsRun {
    static func run(_ m: MetricsSpec, values: [String: String], session: ProbeSession,
                    judge: inout ProbeJudge) async -> (JSONValue, String) {
        let a = await session.send(m.probe, values: values)
        let before = judge.findings.count
        judge.judge(m.probe, a)
        guard a.answered, judge.findings.count == before else {
            return (.object(["scraped": false]), "metrics: not scraped")
        }
        let contentType = a.header("content-type").first?.lowercased() ?? ""
        let text = String(decoding: a.body, as: UTF8.self)
        let openMetrics = contentType.contains("application/openmetrics-text")
        var stats: [String: JSONValue] = ["scraped": true, "format": .string(openMetrics ? "openmetrics" : "text"),
                                          "bytes": .int(a.bodyBytes)]
        let exposition: Exposition
        switch PromText.parse(text, openMetrics: openMetrics) {
        case .failure(let e):
            judge.add("metrics-format", "\(m.probe.name): the exposition does not parse: line \(e.line): \(session.shown(e.message))",
                      identity: "metrics|format", evidence: ["line": String(e.line)],
                      help: "Fix the exporter's output; `promtool check metrics` rejects it the same way.")
            return (.object(stats), "metrics: malformed")
        case .success(let e):
            exposition = e
        }
        stats["families"] = .int(exposition.families.count)
        stats["samples"] = .int(exposition.sampleCount)
        if m.lint {
            let problems = PromLint.problems(exposition)
            stats["lintProblems"] = .int(problems.count)
            for p in problems {
                judge.add("metrics-lint", .warning, "\(p.metric): \(p.text)", identity: "metrics|lint|\(p.metric)|\(p.text)",
                          help: "See the Prometheus naming guide; `promtool check metrics` reports the same.")
            }
        }
        var met = 0
        for r in m.requirements {
            let samples = exposition.families.values.flatMap(\.samples).filter { s in
                s.name == r.name && r.matchers.allSatisfy { $0.test(s.labels) }
            }.sorted { $0.line < $1.line }
            guard !samples.isEmpty else {
                let similar = exposition.families.values.flatMap(\.samples).map(\.name).filter { $0 == r.name }.count
                let why = similar > 0 ? "\(similar) samples of '\(r.name)', none matching the labels" : "no sample named '\(r.name)'"
                judge.add("metrics-missing", "\(m.probe.name): required series \(r) is missing (\(why))",
                          identity: "metrics|require|\(r)")
                continue
            }
            let failing = samples.filter { !r.passes($0.value) }
            if let f = failing.first {
                let labels = f.labels.keys.sorted().map { "\($0)=\"\(f.labels[$0]!)\"" }.joined(separator: ",")
                judge.add("metrics-missing", "\(m.probe.name): \(f.name){\(labels)} is \(ProbeJudge.number(f.value)), "
                          + "expected \(r.comparison!.op) \(ProbeJudge.number(r.comparison!.value)) (\(failing.count) of "
                          + "\(samples.count) matching samples)", identity: "metrics|require|\(r)")
                continue
            }
            met += 1
        }
        if !m.requirements.isEmpty { stats["requirementsMet"] = .int(met) }
        var line = "metrics: \(exposition.families.count) families"
        if !m.requirements.isEmpty { line += ", \(met) of \(m.requirements.count) required series" }
        return (.object(stats), line)
    }
}

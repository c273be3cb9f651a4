import GateCore
import GateOpenAPI

/// `flow:` steps in order. Each step's captures (`capture: {job: $.thread_id}`) fill `{job}` in later
/// steps. A step with `repeat: N` is sent N times alike; with `same: [$.thread_id]` those values must not
/// differ between the answers (the idempotency check: a repeated POST must not create a second job).
/// A step that gets no answer, or whose capture finds nothing, ends the flow: later steps depend on it.
enum FlowRun {
    static func run(_ steps: [ProbeSpec], values start: [String: String], session: ProbeSession,
                    judge: inout ProbeJudge) async throws -> JSONValue {
        var values = start
        var done: [JSONValue] = []
        for step in steps {
            try session.context.checkCancellation()
            if case .url(let t) = step.target, case .failure(let why)? = session.follow(t, values: values) {
                judge.add("capture", "\(step.name): \(session.shown(why.message))", identity: "\(step.name)|follow")
                done.append(.object(["step": .string(step.name), "request": .string("not sent")]))
                break
            }
            var answers = [await session.send(step, values: values)]
            while answers.count < step.repeatCount, answers.last?.answered == true {
                answers.append(await session.send(step, values: values))
            }
            try session.context.checkCancellation()
            let first = answers[0]
            let json = judge.judge(step, first)
            var record: [String: JSONValue] = ["step": .string(step.name), "request": .string(session.shown(first.request)),
                                               "ms": .double(LatencyRun.round1(first.totalMs))]
            if let s = first.status { record["status"] = .int(s) }
            guard first.answered else {
                done.append(.object(record))
                break
            }
            for (i, a) in answers.enumerated().dropFirst() {
                if let f = a.failure {
                    judge.add("unreachable", "\(step.name): repeat \(i + 1) got no answer: \(session.shown(f.message))",
                              identity: "\(step.name)|repeat|unreachable")
                    continue
                }
                if let s = a.status, let s0 = first.status, s != s0, step.expect.status?.matches(s) == false {
                    judge.add("status", "\(step.name): repeat \(i + 1) answered \(s), expected \(step.expect.status!)",
                              identity: "\(step.name)|repeat|status")
                }
                guard !step.same.isEmpty else { continue }
                let later = a.json
                for path in step.same {
                    let x = json.map { path.evaluate($0).map(\.value) } ?? []
                    let y = later.map { path.evaluate($0).map(\.value) } ?? []
                    if x.isEmpty || y.isEmpty || x.count != y.count || !zip(x, y).allSatisfy({ JSONAssertion.equal($0, $1) }) {
                        let shownX = x.first.map { session.shown($0.compactText) } ?? "nothing"
                        let shownY = y.first.map { session.shown($0.compactText) } ?? "nothing"
                        judge.add("not-idempotent", "\(step.name): \(path) was \(shownX) on the first request and \(shownY) on "
                                  + "repeat \(i + 1); a repeated request must give the same answer, not a new resource",
                                  identity: "\(step.name)|same|\(path)",
                                  evidence: ["path": path.description, "first": shownX, "repeat": shownY],
                                  help: "Deduplicate on the idempotency key (or the request's natural key) before creating anything.")
                    }
                }
            }
            if answers.count > 1 { record["repeats"] = .int(answers.count) }
            let missing = FlowCapture.apply(step.capture, json: json, headers: first.headers, values: &values)
            for c in step.capture where missing.contains(c.name) {
                judge.add("capture", "\(step.name): nothing at \(c.source) to capture as '{\(c.name)}'; the later steps need it",
                          identity: "\(step.name)|capture|\(c.name)")
            }
            done.append(.object(record))
            if !missing.isEmpty { break }
        }
        return .object(["steps": .array(done), "completed": .int(done.count), "of": .int(steps.count)])
    }
}

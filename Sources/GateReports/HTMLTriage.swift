import GateCore

/// The top of the HTML page: what blocks the release, first. Required failures and pending sign-offs
/// ("Blocking: N", each linked to its row), then advisory failures, then what waivers let through, then
/// what did not run (a partial run's left-out checks among them), then a count of the rest.
extension HTMLReportWriter {
    struct Triage {
        var blocking: [CheckResult] = []
        var advisory: [CheckResult] = []
        var waived: [CheckResult] = []
        var notRun: [CheckResult] = []
        var passed = 0

        init(_ r: RunReport) {
            for c in r.checks {
                let bad = c.status == .failed || c.status == .error || c.status == .timedOut
                if Checklist.isPending(c) || bad {
                    if c.required { blocking.append(c) } else { advisory.append(c) }
                } else if c.status == .waived || c.findings.contains(where: \.waived) {
                    waived.append(c)
                } else if c.status == .skipped {
                    notRun.append(c)
                } else {
                    passed += 1
                }
            }
        }
    }

    func triage(_ r: RunReport) -> String {
        let t = Triage(r)
        var h = "<section id=\"triage\" aria-label=\"What blocks the release\">\n"
        if t.blocking.isEmpty {
            h += "<h2 class=\"blocking none\">Blocking: 0 <span class=\"count\">nothing blocks the release</span></h2>\n"
        } else {
            h += "<h2 class=\"blocking\">Blocking: \(t.blocking.count) <span class=\"count\">required checks that "
                + "failed and sign-offs still pending</span></h2>\n"
            h += list(t.blocking, kind: "blocking")
        }
        if !t.advisory.isEmpty {
            h += "<h3 class=\"advisory\">Advisory: \(t.advisory.count) <span class=\"count\">failed, but "
                + "<code>required: false</code>: they do not block</span></h3>\n" + list(t.advisory, kind: "advisory")
        }
        if !t.waived.isEmpty {
            h += "<h3 class=\"waived\">Waived: \(t.waived.count) <span class=\"count\">let through by a waiver "
                + "or a baseline</span></h3>\n" + list(t.waived, kind: "waived")
        }
        if !t.notRun.isEmpty {
            h += "<h3 class=\"notrun\">Not run: \(t.notRun.count)</h3>\n" + list(t.notRun, kind: "notrun")
        }
        h += "<p class=\"muted\">\(t.passed) \(t.passed == 1 ? "check" : "checks") passed.</p>\n"
        return h + "</section>\n"
    }

    private func list(_ checks: [CheckResult], kind: String) -> String {
        var h = "<ul class=\"triage \(kind)\">\n"
        for c in checks {
            let pending = Checklist.isPending(c)
            let anchor = pending ? "item-" : "check-"
            let (key, label) = HTML.status(c)
            h += "<li><span class=\"pill s-\(key)\">\(HTML.text(label))</span> "
            h += "<a href=\"#\(anchor)\(HTML.attr(c.id))\">\(HTML.text(c.id))</a> "
            let text: String
            if pending {
                text = "sign-off from \(c.stats["owner"]?.text ?? "its owner")"
            } else if kind == "waived" {
                let w = c.findings.filter(\.waived)
                text = "\(w.count) waived \(w.count == 1 ? "finding" : "findings")" + (w.first?.waiver.map { ": \($0)" } ?? "")
            } else {
                text = c.reason ?? c.summary
            }
            h += "<span class=\"why\">\(HTML.text(text))</span></li>\n"
        }
        return h + "</ul>\n"
    }
}

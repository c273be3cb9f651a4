import ContentHash
import Foundation
import GateCore

extension CASVerifier {
    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var layout = config.layout
        var restic = false
        if layout == .auto {
            guard let found = LayoutDetection.detect(context.root, config: config) else {
                throw VerifierError("cannot tell the layout of '\(PathUtil.display(context.root))': no oci-layout, native "
                                    + "'format', .git, cas/ and ac/ (Bazel), restic config or 'manifest'; set 'layout' to "
                                    + "native, oci, git, bazel, named or checksums")
            }
            layout = found
            restic = found == .named
        }
        // Only the native layout divides its objects; for the others the first slice verifies everything.
        if let slice = context.slice, slice.count > 1, layout != .native, layout != .auto, slice.index > 0 {
            return CheckOutcome(summary: "\(layout.rawValue) stores do not split; slice 1/\(slice.count) verifies the whole store",
                                rules: evaluatedRules)
        }
        let outcome: LayoutOutcome
        switch layout {
        case .native, .auto: outcome = try await NativeStore.verify(config, context)
        case .oci: outcome = try await OCIStore.verify(config, context)
        case .git: outcome = try await GitStore.verify(config, context)
        case .bazel: outcome = try await BazelStore.verify(config, context)
        case .named: outcome = try await NamedStore.verify(config, context, restic: restic || config.layout == .auto)
        case .checksums: outcome = try await ChecksumsStore.verify(config, context)
        }
        // Within the check's limits: the first findings of each rule in full, the rest counted.
        var findings = outcome.findings
        findings.merge(outcome.scan.findings)
        var notes = outcome.notes
        if let note = outcome.scan.cacheNote { notes.append(note) }
        if config.snapshot != nil || config.baseline != nil {
            let scan = outcome.scan
            let current = scan.collected.map { (path: StoreNames.join(scan.prefix, $0.path), digest: $0.digest) }
            if let baseline = config.baseline {
                let display = context.relative(baseline)
                findings += Drift.compare(current: current, baseline: try Drift.load(baseline, display: display), display: display)
            }
            if let snapshot = config.snapshot {
                do {
                    try AtomicFile.write(Drift.render(current, layout: outcome.layout, algorithm: outcome.algorithm), to: snapshot)
                } catch {
                    throw VerifierError("cannot write the snapshot: \(error.description); check 'snapshot'")
                }
                notes.append("snapshot written to '\(context.relative(snapshot))'")
            }
        }
        let counts = findings.countsBySeverity
        let (kept, dropped) = findings.finish()
        let seconds = max(1e-9, Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds))
        return CheckOutcome(findings: kept, summary: Self.summary(outcome, counts: counts, notes: notes),
                            stats: Self.stats(outcome, seconds: seconds), rules: evaluatedRules, dropped: dropped)
    }

    /// `counts`: every finding by severity, the ones not kept included.
    static func summary(_ o: LayoutOutcome, counts: [Severity: Int], notes: [String]) -> String {
        let s = o.scan
        var text = "\(o.layout.rawValue) store (\(o.algorithm)): \(ScanProgress.grouped(s.objects)) objects, \(bytes(s.bytes))"
        if s.skippedByCache > 0 { text += ", \(ScanProgress.grouped(s.skippedByCache)) unchanged since the last verify" }
        if s.sampledOut > 0 { text += ", \(ScanProgress.grouped(s.sampledOut)) left out of the sample" }
        let errors = counts[.error] ?? 0
        let warnings = counts.values.reduce(0, +) - errors
        text += errors == 0 ? "; all verified" : "; \(errors) problem\(errors == 1 ? "" : "s")"
        if warnings > 0 { text += ", \(warnings) warning\(warnings == 1 ? "" : "s")" }
        if !notes.isEmpty { text += " (" + notes.joined(separator: "; ") + ")" }
        return text
    }

    static func stats(_ o: LayoutOutcome, seconds: Double) -> [String: JSONValue] {
        let s = o.scan
        return [
            "layout": .string(o.layout.rawValue), "algorithm": .string(o.algorithm),
            "objects": .int(s.objects), "bytes": .int(Int(s.bytes)), "bytesHashed": .int(Int(s.bytesHashed)),
            "skippedByCache": .int(s.skippedByCache), "sampledOut": .int(s.sampledOut),
            "gbPerSecond": .double((Double(s.bytesHashed) / seconds / 1e9 * 100).rounded() / 100),
            "objectsPerSecond": .int(Int(Double(s.objects) / seconds)),
        ]
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[i])
    }
}

import Foundation
import GateCore

/// One run of a boundaries check: walk, extract, resolve, evaluate the rules, report.
struct BoundariesRun {
    let options: BoundariesOptions
    let context: CheckContext

    func execute() async throws -> CheckOutcome {
        context.progress("finding source files")
        let walker = SourceWalker(root: context.root, languages: options.languages, exclude: options.exclude, include: options.include)
        let walk = walker.walk(cancelled: { Task.isCancelled })
        try context.checkCancellation()
        let total = walk.sources.count
        let progress = context
        let scan = try await ImportScanner.scan(root: context.root, sources: walk.sources) { n in
            progress.progress("reading \(min(n, total).grouped) / \(total.grouped) files")
        }
        try context.checkCancellation()

        var findings: [Finding] = []
        // Python files that do not parse: import-linter stops on them; gate errors the check, or with
        // 'skip-unparseable' reads them as empty and warns.
        var files = scan.files
        let unparsed = files.indices.filter { files[$0].language == .python && files[$0].syntaxError != nil }
        if options.skipUnparseable { for k in unparsed { files[k].imports = [] } }
        var reportedUnparsed = Set<String>()
        var stats: [String: JSONValue] = ["files": .int(scan.files.count), "bytes": .int(scan.bytes)]
        var perLanguage: [String: JSONValue] = [:]
        for f in scan.files { perLanguage[f.language.rawValue] = .int((perLanguage[f.language.rawValue].flatMap { if case .int(let i) = $0 { i } else { nil } } ?? 0) + 1) }
        stats["filesByLanguage"] = .object(perLanguage)
        var graphs: [(name: String, graph: ModuleGraph)] = []
        var notes: [String] = []
        var allRules: [RuleSpec] = []

        let swiftPackages = options.languages.contains(.swift) && !(walk.projectFiles["Package.swift"] ?? []).isEmpty
        let needNative = !options.rules.isEmpty || options.graphOutput != nil || (swiftPackages && options.undeclaredDependencies)
        var project: ProjectGraph?
        if needNative {
            context.progress("resolving imports")
            project = try await ProjectGraph.build(root: context.root, files: files, walk: walk, options: options)
            graphs.append(("native", project!.graph))
            stats["modules"] = .int(project!.graph.nodes.filter { !$0.isExternal }.count)
            stats["imports"] = .int(project!.graph.edgeCount)
            if !options.rules.isEmpty {
                findings += try unparseable(unparsed.map { files[$0] }, reported: &reportedUnparsed)
            }
            findings += try evaluate(options.rules, on: project!.graph, shared: options.sharedIgnores)
            allRules += options.rules
        }
        if let il = options.importLinter {
            context.progress("building the import-linter graph")
            let python = project?.python ?? PythonProject(
                files: files.filter { $0.language == .python },
                roots: ProjectGraph.pythonRoots(root: context.root, options: options))
            let graph = try python.buildImportLinterGraph(
                rootPackages: il.session.rootPackages, includeExternal: il.session.includeExternal,
                excludeTypeChecking: il.session.excludeTypeChecking)
            graphs.append(("import-linter", graph))
            stats["importLinterModules"] = .int(graph.nodes.filter { !$0.isExternal }.count)
            stats["importLinterImports"] = .int(graph.edgeCount)
            let inGraph = Set(graph.nodes.compactMap(\.path))
            findings += try unparseable(unparsed.map { files[$0] }.filter { inGraph.contains($0.path) }, reported: &reportedUnparsed)
            findings += try evaluate(il.rules, on: graph)
            allRules += il.rules
        }
        if options.undeclaredDependencies, let swift = project?.swift, !swift.targets.isEmpty {
            findings += SwiftDependencyCheck.findings(swift)
            stats["swiftTargets"] = .int(swift.targets.count)
            notes.append("\(swift.targets.count) Swift targets from Package.swift (\(swift.manifestSource == .text ? "read as text" : "swift package dump-package"))")
            if !swift.fallbacks.isEmpty {
                notes.append("dump-package failed for \(swift.fallbacks.map { "'\($0)'" }.joined(separator: ", ")), read as text")
            }
        }
        let brokenRules = Set(findings.filter { $0.severity == .error }.compactMap { $0.evidence?["rule"] })
        if !scan.skipped.isEmpty || !walk.symlinkLoops.isEmpty {
            findings.append(skippedFinding(scan.skipped, loops: walk.symlinkLoops))
        }
        stats["skippedFiles"] = .int(scan.skipped.count)
        if !walk.symlinkLoops.isEmpty { stats["symlinkLoops"] = .int(walk.symlinkLoops.count) }
        stats["rules"] = .int(allRules.count)

        if let out = options.graphOutput {
            do { try AtomicFile.write(try GraphOutput.json(graphs), to: out) } catch {
                throw VerifierError("cannot write 'graph-output' '\(context.relative(out))': \(error)")
            }
        }

        var status: CheckStatus?
        var known = 0
        if let target = options.writeBaseline {
            let violations = findings.filter { $0.severity == .error }
            try Baseline.write(violations, to: target.path)
            var note = "wrote \(violations.count) known violations to '\(context.relative(target.path))'"
            if options.baseline != target.path {
                note += "; set 'baseline: \(target.display)' so that later runs read it"
            }
            notes.append(note)
            status = .passed
            stats["baselineKnown"] = .int(0)
        } else if let baseline = options.baseline {
            let violations = findings.filter { $0.severity == .error }
            let recorded = try Baseline.load(baseline, display: context.relative(baseline))
            let before = findings.count
            findings.removeAll { $0.severity == .error && recorded.contains($0.fingerprint) }
            known = before - findings.count
            let stale = recorded.subtracting(violations.map(\.fingerprint)).count
            if known > 0 { notes.append("\(known) known violations in the baseline") }
            if stale > 0 { notes.append("\(stale) baseline entries no longer occur; rewrite the baseline to drop them") }
            stats["baselineKnown"] = .int(known)
        }
        findings.sort(by: Finding.reportOrder)
        let errors = findings.filter { $0.severity == .error }.count
        stats["violations"] = .int(errors)
        let broken = allRules.filter { brokenRules.contains($0.name) }.count
        let undeclared = findings.filter { $0.rule == "boundaries/undeclared-dependency" && $0.severity == .error }.count
        var head: [String] = []
        if !allRules.isEmpty {
            head.append(broken == 0 ? "\(allRules.count) rules kept"
                                    : "\(broken) of \(allRules.count) rules broken (\(errors - undeclared) violations)")
        }
        if undeclared > 0 { head.append("\(undeclared) undeclared dependencies") }
        if head.isEmpty { head.append("no rules") }
        var summary = head.joined(separator: ", ") + " in \(scan.files.count.grouped) files"
        if let m = stats["imports"] ?? stats["importLinterImports"], case .int(let n) = m { summary += " (\(n.grouped) imports)" }
        if !notes.isEmpty { summary += "; " + notes.joined(separator: "; ") }
        return CheckOutcome(findings: findings, summary: summary, stats: stats, rules: nil, status: status)
    }

    private func evaluate(_ rules: [RuleSpec], on graph: ModuleGraph, shared: [ImportPattern] = []) throws -> [Finding] {
        guard !rules.isEmpty else { return [] }
        let index = ModuleIndex(graph: graph)
        var out: [Finding] = []
        var sharedEdges = Set<UInt64>()
        for p in shared {
            let edges = RuleEvaluator.edges(matching: p, in: graph, index: index)
            sharedEdges.formUnion(edges)
            if edges.isEmpty {
                out.append(Finding(
                    rule: "boundaries/unmatched-ignore", severity: .warning,
                    message: "the ignored import '\(p.text)' (in 'ignore-imports' for every rule) matches no import.",
                    identity: "shared\u{0}\(p.text)", evidence: ["pattern": p.text],
                    help: "Remove it from 'ignore-imports', or correct the module names."))
            }
        }
        for rule in rules {
            try context.checkCancellation()
            context.progress("checking rule '\(rule.name)'")
            var evaluator = RuleEvaluator(rule: rule, graph: graph, index: index, shared: sharedEdges)
            let violations: [Violation]
            do { violations = try evaluator.run() } catch { throw VerifierError(error.message) }
            out += FindingBuilder(graph: evaluator.graph).findings(for: violations)
        }
        return out
    }

    /// Errors the check for Python files that do not parse, or with 'skip-unparseable' returns a warning
    /// for each (once, however many graphs read the file).
    private func unparseable(_ files: [ScannedFile], reported: inout Set<String>) throws -> [Finding] {
        let fresh = files.filter { !reported.contains($0.path) }.sorted { $0.path < $1.path }
        guard !fresh.isEmpty else { return [] }
        for f in fresh { reported.insert(f.path) }
        func site(_ f: ScannedFile) -> String { "\(f.path):\(f.syntaxError!.line): \(f.syntaxError!.message)" }
        guard options.skipUnparseable else {
            let shown = fresh.prefix(5).map(site).joined(separator: "; ")
            let more = fresh.count > 5 ? " (and \(fresh.count - 5) more)" : ""
            throw VerifierError("\(fresh.count == 1 ? "a Python file does" : "\(fresh.count) Python files do") not parse: \(shown)\(more). "
                + "The import graph would be incomplete, so the check cannot pass (import-linter stops here too). "
                + "Fix the syntax, exclude the file with 'exclude', or set 'skip-unparseable: true' to check the rest and warn.")
        }
        return fresh.map { f in
            Finding(rule: "boundaries/unparseable-file", severity: .warning,
                    message: "'\(f.path)' does not parse (line \(f.syntaxError!.line): \(f.syntaxError!.message)); it is read as empty, so its imports are not checked.",
                    path: f.path, line: Int(f.syntaxError!.line), identity: "unparseable\u{0}\(f.path)",
                    evidence: ["syntaxError": f.syntaxError!.message],
                    help: "Fix the syntax error; 'skip-unparseable: true' is what lets the check run past it.")
        }
    }

    private func skippedFinding(_ skipped: [(path: String, reason: SkipReason)], loops: [String]) -> Finding {
        var counts: [String] = []
        for reason in SkipReason.allCases {
            let n = skipped.filter { $0.reason == reason }.count
            if n > 0 { counts.append("\(n) \(reason.rawValue)") }
        }
        var parts: [String] = []
        if !skipped.isEmpty { parts.append("\(skipped.count) source files were skipped (\(counts.joined(separator: ", ")))") }
        if !loops.isEmpty { parts.append("\(loops.count) symbolic link loops were not followed") }
        let examples = (skipped.map { "\($0.path) (\($0.reason.rawValue))" } + loops.map { "\($0) (link loop)" }).prefix(10)
        return Finding(
            rule: "boundaries/skipped-file", severity: .warning,
            message: parts.joined(separator: "; ") + "; imports in them are not checked.",
            identity: "skipped-files", evidence: ["files": examples.joined(separator: ", ")],
            help: "Convert the files to UTF-8, or exclude them with 'exclude'.")
    }
}

extension Int {
    /// `12,345`, independent of the locale so that summaries are the same everywhere.
    var grouped: String {
        let digits = String(Swift.abs(self))
        var out = ""
        for (k, c) in digits.enumerated() {
            if k > 0 && (digits.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return self < 0 ? "-" + out : out
    }
}

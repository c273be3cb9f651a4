import ContentHash
import Foundation
import GateCore

/// One kept output of one run.
struct Artifact: Sendable {
    /// `stdout`, `stderr`, or the file's path relative to the working directory.
    var name: String
    /// The raw bytes, kept under `run-N/`.
    var kept: String
    /// What was compared: the normalized copy when a normalize rule applied, else `kept`.
    var compared: String
    var digest: Digest
    var size: Int
    var normalized: Bool
}

/// What one run did.
struct RunRecord: Sendable {
    var plan: RunPlan
    var directory: String
    /// Where the command ran (the copy, under the path variation).
    var cwd: String
    var termination: ProcessResult.Termination
    var pid: Int32
    var duration: Duration
    var artifacts: [String: Artifact]
    var notes: [String]
    var bytesHashed: Int

    var index: Int { plan.index }
    var exitText: String { termination.description }
}

/// Runs the command once under a plan, in a process group with the check's timeout, and keeps and
/// hashes its outputs. stdout and stderr stream straight to files under `run-N/`.
struct RunExecutor: Sendable {
    let settings: Settings
    let sourceCwd: String
    /// The check's artifacts directory.
    let artifactsRoot: String

    /// gate's reports directory (`Reports/<suite>`, two levels above the artifacts): output, never input,
    /// so it is neither copied for the path variation nor scanned for outputs.
    /// (Unless reports go to the working directory itself or above it: then only the artifacts are left out.)
    var gateOutput: [String] {
        let reports = PathUtil.dirname(PathUtil.dirname(PathUtil.normalize(artifactsRoot)))
        return PathUtil.isInside(sourceCwd, reports) ? [PathUtil.normalize(artifactsRoot)] : [reports, PathUtil.normalize(artifactsRoot)]
    }

    func execute(plan basePlan: RunPlan, casePath: String?, directory: String) async throws -> RunRecord {
        var plan = basePlan
        if let casePath { plan.environment["GATE_CASE"] = casePath }
        try? FileManager.default.removeItem(atPath: directory)
        try AtomicFile.makeDirectory(directory)
        var tree = sourceCwd
        if plan.isolatedTree {
            tree = plan.treePath ?? directory + "/tree"
            // A bisection run that keeps the build path works where the control did: clear what is left there.
            try? FileManager.default.removeItem(atPath: tree)
            let copier = TreeCopy(exclude: settings.copyExclude.map(Glob.init), excludeAbsolute: gateOutput)
            try copier.copy(from: sourceCwd, to: tree, check: { try Task.checkCancellation() })
        }
        for dir in plan.directories { try AtomicFile.makeDirectory(dir) }
        let globs = settings.outputGlobs(casePath: casePath)
        let scanner = OutputScanner(patterns: globs, skipAbsolute: gateOutput)
        let before = globs.isEmpty ? [:] : scanner.scan(tree)

        var cwd = tree
        if let mount = plan.orderMount {
            cwd = try await OrderMounts.mount(mount, source: tree)
        }
        let argv = plan.argv(command: settings.argv(casePath: casePath))
        let spec = ProcessSpec(.argv(argv), environment: plan.environment, cwd: cwd,
                               stdout: .file(directory + "/stdout"), stderr: .file(directory + "/stderr"),
                               timeout: settings.timeout)
        let result: ProcessResult
        do {
            result = try await ProcessRunner.run(spec)
        } catch let e as ProcessError {
            if let mount = plan.orderMount { await OrderMounts.unmount(mount) }
            throw VerifierError("run \(plan.index): \(e.description)")
        }
        if let mount = plan.orderMount { await OrderMounts.unmount(mount) }
        if result.cancelled { throw CancellationError() }
        if result.timedOut {
            throw VerifierError("run \(plan.index)\(casePath.map { " of case '\($0)'" } ?? "") timed out after "
                                + DurationParsing.format(settings.timeout ?? .zero) + "; raise 'timeout' or make the command faster"
                                + (plan.environment["FAKETIME"] != nil && !plan.isControl
                                    ? " (under libfaketime: some programs never finish with it preloaded, rustc among them; "
                                        + "if the control run is quick, remove 'time' from 'vary')" : ""))
        }

        var record = RunRecord(plan: plan, directory: directory, cwd: cwd, termination: result.termination,
                               pid: result.pid, duration: result.duration, artifacts: [:], notes: [], bytesHashed: 0)
        let normalizer = Normalizer(rules: settings.normalize)
        func keep(_ name: String, raw: String, hashed: StreamCopy.Hashed) throws {
            var artifact = Artifact(name: name, kept: raw, compared: raw, digest: hashed.digest, size: hashed.size,
                                    normalized: false)
            record.bytesHashed += hashed.size
            if let n = try normalizer.normalize(name: name, source: raw, destination: directory + "/normalized/" + name) {
                artifact.compared = directory + "/normalized/" + name
                artifact.digest = n.digest
                artifact.size = n.size
                artifact.normalized = true
                record.bytesHashed += n.size
                if let note = n.note { record.notes.append(note) }
            }
            record.artifacts[name] = artifact
        }
        for (name, on) in [("stdout", settings.includeStdout), ("stderr", settings.includeStderr)] where on {
            let path = directory + "/" + name
            try keep(name, raw: path, hashed: try StreamCopy.hash(path))
        }
        if !globs.isEmpty {
            for rel in OutputScanner.written(before: before, after: scanner.scan(tree)) {
                try Task.checkCancellation()
                let name = rel == "stdout" || rel == "stderr" ? "./" + rel : rel
                let kept = directory + "/files/" + rel
                let hashed: StreamCopy.Hashed
                if plan.isolatedTree {
                    hashed = try StreamCopy.hash(tree + "/" + rel)
                    try AtomicFile.makeDirectory(PathUtil.dirname(kept))
                    guard rename(tree + "/" + rel, kept) == 0 else { throw StreamCopy.Failure("move", tree + "/" + rel) }
                } else {
                    hashed = try StreamCopy.copy(from: tree + "/" + rel, to: kept)
                }
                try keep(name, raw: kept, hashed: hashed)
            }
        }
        if plan.isolatedTree { try? FileManager.default.removeItem(atPath: tree) }
        try RunManifest.write(record, settings: settings, casePath: casePath)
        return record
    }
}

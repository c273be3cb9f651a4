import Foundation
import GateCore

/// The `service:` process: started before the probes in its own process group, stopped after them
/// (SIGTERM, then SIGKILL), whatever happens in between.
struct ServiceRun: Sendable {
    let task: Task<Result<ProcessResult, any Error>, Never>
    let spec: ServiceSpec
    let finished: Locked<Bool>

    /// Starts the service and, with a port file, waits until it holds a port. Returns the port.
    static func start(_ s: ServiceSpec, context: CheckContext) async throws -> (ServiceRun, String?) {
        if let file = s.portFile { try? FileManager.default.removeItem(atPath: file) }
        var env = context.environment
        for (k, v) in s.env { env[k] = v }
        let spec = ProcessSpec(s.command, environment: env, cwd: s.cwd ?? context.cwd, captureLimit: 16 * 1024,
                               killGrace: .seconds(2))
        let finished = Locked(false)
        let task = Task { () -> Result<ProcessResult, any Error> in
            defer { finished.withLock { $0 = true } }
            do { return .success(try await ProcessRunner.run(spec)) } catch { return .failure(error) }
        }
        let run = ServiceRun(task: task, spec: s, finished: finished)
        guard let file = s.portFile else { return (run, nil) }
        let deadline = ContinuousClock.now + s.startTimeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), (1...65535).contains(port) {
                return (run, String(port))
            }
            if run.exited {
                let output = await run.stop()
                throw VerifierError("the service (\(s.command)) ended before writing its port to "
                    + "'\(context.relative(file))'\(output.isEmpty ? "" : ": " + context.redactor.redact(output))")
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch {
                _ = await run.stop()
                throw error
            }
        }
        let output = await run.stop()
        throw VerifierError("the service (\(s.command)) wrote no port to '\(context.relative(file))' within "
            + "\(DurationParsing.format(s.startTimeout)); raise 'start-timeout' or check that it writes the port there"
            + (output.isEmpty ? "" : ". Its output: " + context.redactor.redact(output)))
    }

    /// True once the process has exited (or could not start).
    var exited: Bool { finished.withLock { $0 } }

    /// Stops the process group and returns the tail of what it printed.
    @discardableResult
    func stop() async -> String {
        task.cancel()
        switch await task.value {
        case .success(let r):
            let text = (r.stderr.text + "\n" + r.stdout.text).trimmingCharacters(in: .whitespacesAndNewlines)
            return String(text.suffix(600))
        case .failure(let e):
            return "could not start: \(e)"
        }
    }
}

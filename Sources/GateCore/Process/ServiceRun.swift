import Foundation

/// The `service:` process of a check that talks to a service it starts itself (health, tenant-isolation's
/// HTTP mode): started before the probes in its own process group, stopped after them (SIGTERM, then
/// SIGKILL), whatever happens in between.
public struct ServiceRun: Sendable {
    let task: Task<Result<ProcessResult, any Error>, Never>
    public let spec: ServiceSpec
    let finished: Locked<Bool>

    /// Starts the service and, with a port file, waits until it holds a port. Returns the port. `secrets`
    /// gives the values the check keeps out of reports (tokens, passwords; called when needed, so a token
    /// the service writes as it starts is included): the service's output, shown when it fails, has them
    /// replaced.
    public static func start(_ s: ServiceSpec, context: CheckContext,
                              secrets: @escaping @Sendable () -> [String] = { [] }) async throws -> (ServiceRun, String?) {
        if let file = s.portFile {
            // A port file left by an earlier run goes; anything else at that path (a directory, a device) is
            // not gate's to remove.
            var st = stat()
            if lstat(file, &st) == 0 {
                let kind = st.st_mode & S_IFMT
                guard kind == S_IFREG || kind == S_IFLNK else {
                    throw VerifierError("'port-file' '\(context.relative(file))' is \(kind == S_IFDIR ? "a directory" : "not a regular file"); "
                        + "name a file the service writes its port to, such as 'port'")
                }
                unlink(file)
            }
        }
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
            // A port is a few bytes: read no more than that, however large the file grows.
            if case .success(let got) = BoundedFile.read(file, limit: 64), !got.truncated,
               let text = String(data: got.data, encoding: .utf8),
               let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), (1...65535).contains(port) {
                return (run, String(port))
            }
            if run.exited {
                let output = shown(await run.stop(), secrets(), context)
                throw VerifierError("the service (\(shown("\(s.command)", secrets(), context))) ended before writing its port to "
                    + "'\(context.relative(file))'\(output.isEmpty ? "" : ": " + output)")
            }
            do { try await Task.sleep(for: .milliseconds(50)) } catch {
                _ = await run.stop()
                throw error
            }
        }
        let output = shown(await run.stop(), secrets(), context)
        throw VerifierError("the service (\(shown("\(s.command)", secrets(), context))) wrote no port to '\(context.relative(file))' within "
            + "\(DurationParsing.format(s.startTimeout)); raise 'start-timeout' or check that it writes the port there "
            + "(a number from 1 to 65535)" + (output.isEmpty ? "" : ". Its output: " + output))
    }

    /// The service's output with the check's secrets replaced (longest first), then through the redactor.
    public static func shown(_ output: String, _ secrets: [String], _ context: CheckContext) -> String {
        var text = output
        for s in Set(secrets).filter({ $0.count >= 4 }).sorted(by: { $0.count > $1.count }) {
            text = text.replacingOccurrences(of: s, with: "[redacted]")
        }
        return context.redactor.redact(text)
    }

    /// True once the process has exited (or could not start).
    public var exited: Bool { finished.withLock { $0 } }

    /// Stops the process group and returns the tail of what it printed.
    @discardableResult
    public func stop() async -> String {
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

/// `service: {run, port-file, cwd, env, start-timeout}`: the program a check starts before talking to it.
/// `run` is a shell command or an argv list; with `port-file`, the check waits (up to `start-timeout`,
/// 2 minutes by default) until the program writes the port it listens on there, and `{port}` in the
/// check's URLs becomes that port.
public struct ServiceSpec: Sendable {
    public var command: ProcessSpec.Command
    public var portFile: String?
    public var cwd: String?
    public var env: [String: String]
    public var startTimeout: Duration

    public static let keys = ["run", "port-file", "cwd", "env", "start-timeout"]

    public init(_ v: ConfigValue, root: String) throws(ConfigError) {
        guard let map = v.mapping else {
            throw .invalidValue(v.location, key: "service", expected: "a map such as {run: python3 app.py --port-file port, port-file: port}",
                                got: v.typeDescription)
        }
        for e in map where !Self.keys.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "'service'", valid: Self.keys)
        }
        func mismatch(_ key: String, _ expected: String) -> ConfigError {
            .invalidValue(v[key]?.location ?? v.location, key: key, expected: expected, got: v[key]?.typeDescription ?? "nothing")
        }
        func string(_ key: String) throws(ConfigError) -> String? {
            guard let x = v[key], !x.isNull else { return nil }
            guard let s = x.string else { throw mismatch(key, "a string") }
            return s
        }
        guard let rv = v["run"], !rv.isNull else { throw .missingKey(v.location, key: "run", context: "'service'") }
        if let s = rv.sequence {
            let argv = s.compactMap(\.string)
            guard argv.count == s.count, !argv.isEmpty else { throw mismatch("run", "a command string or a list of strings") }
            command = .argv(argv)
        } else {
            guard let s = rv.string, !s.isEmpty else { throw mismatch("run", "a command string or a list of strings") }
            command = .shell(s)
        }
        portFile = try string("port-file").map { PathUtil.resolve($0, against: root) }
        cwd = try string("cwd").map { PathUtil.resolve($0, against: root) }
        env = [:]
        if let ev = v["env"], !ev.isNull {
            guard let map = ev.mapping else { throw mismatch("env", "a map of variable names to values") }
            for e in map {
                guard let s = e.value.string else { throw .invalidValue(e.value.location, key: e.key, expected: "a string", got: e.value.typeDescription) }
                env[e.key] = s
            }
        }
        if let tv = v["start-timeout"], !tv.isNull { startTimeout = try tv.duration(key: "start-timeout", allowZero: false) } else {
            startTimeout = .seconds(120)
        }
    }
}

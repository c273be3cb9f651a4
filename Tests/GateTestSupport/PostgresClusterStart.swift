import Foundation

/// Starting and stopping the test cluster (see `PostgresCluster`).
enum PostgresClusterStart {
    struct Output {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    /// Server settings for speed (no fsync: the cluster is thrown away) and for a replica (a standby needs
    /// max_connections at least the primary's, so both get these).
    static let serverSettings = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
        + "-c max_connections=200 -c shared_buffers=64MB -c max_wal_senders=4 -c wal_level=replica"

    /// The cluster to stop at exit; set once it runs.
    nonisolated(unsafe) static var running: PostgresCluster?

    static func start() throws -> PostgresCluster {
        let bin = try binDirectory()
        let version = Int(bin.split(separator: "/").dropLast().last.map(String.init) ?? "") ?? 0
        let runAs: String? = getuid() == 0 ? "postgres" : nil
        if let runAs, getpwnam(runAs) == nil {
            throw PostgresCluster.Unavailable(description: "the tests run as root, and PostgreSQL refuses root; there is no "
                + "'\(runAs)' user to run it as (install the 'postgresql' package, which creates it)")
        }
        // Short: the socket path must fit in 107 bytes.
        let dir = "/tmp/gate-pg-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        let password = "pw-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)
        try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/pwfile"))
        if let runAs {
            let r = try run(["chown", "-R", "\(runAs):", dir])
            guard r.code == 0 else { throw PostgresCluster.Unavailable(description: "chown \(dir): \(r.stderr)") }
        }
        let initdb = try run(asUser(runAs, [bin + "/initdb", "-D", dir + "/data", "-U", "postgres", "--auth-local=trust",
                                            "--auth-host=scram-sha-256", "--pwfile=" + dir + "/pwfile", "-E", "UTF8",
                                            "--locale=C.UTF-8", "--no-sync", "--no-instructions"]))
        guard initdb.code == 0 else {
            try? FileManager.default.removeItem(atPath: dir)
            throw PostgresCluster.Unavailable(description: "initdb failed (\(initdb.code)): \(initdb.stderr.suffix(600))")
        }
        var lastError = ""
        for _ in 0..<4 {
            let port = try LoopbackPort.free()
            let options = "-p \(port) -k \(dir) " + serverSettings
            let r = try run(asUser(runAs, [bin + "/pg_ctl", "-D", dir + "/data", "-l", dir + "/server.log", "-w", "-t", "120",
                                           "-o", options, "start"]))
            if r.code == 0 {
                let cluster = PostgresCluster(binDirectory: bin, directory: dir, port: port, password: password,
                                              version: version, runAs: runAs)
                running = cluster
                atexit { PostgresClusterStart.stopRunning() }
                try watch(cluster)
                return cluster
            }
            lastError = r.stderr + ((try? String(contentsOfFile: dir + "/server.log", encoding: .utf8))?.suffix(600) ?? "")
        }
        try? FileManager.default.removeItem(atPath: dir)
        throw PostgresCluster.Unavailable(description: "pg_ctl start failed: \(lastError)")
    }

    /// The newest `/usr/lib/postgresql/<version>/bin` with initdb, or `GATE_PG_BIN`.
    static func binDirectory() throws -> String {
        if let dir = ProcessInfo.processInfo.environment["GATE_PG_BIN"], !dir.isEmpty { return dir }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        guard let newest = versions.last else {
            throw PostgresCluster.Unavailable(description: "no PostgreSQL server binaries in \(root)/<version>/bin (install "
                + "the 'postgresql' package: .ci/deps test does), nor GATE_PG_BIN")
        }
        return "\(root)/\(newest)/bin"
    }

    static func asUser(_ user: String?, _ argv: [String]) -> [String] {
        guard let user else { return argv }
        return ["runuser", "-u", user, "--"] + argv
    }

    /// A separate session that stops the cluster and removes its directory once this process is gone, in
    /// case the process dies without running its atexit handler (a crash, SIGKILL).
    static func watch(_ c: PostgresCluster) throws {
        // Every data directory of the cluster: the primary's and any replica's (data-replica-*).
        let stop = asUser(c.runAs, [c.binDirectory + "/pg_ctl", "-D", "$d", "-m", "immediate", "stop"])
            .map { $0 == "$d" ? "\"$d\"" : "'\($0)'" }.joined(separator: " ")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; if [ -d '\(c.directory)/data' ]; then "
            + "for d in '\(c.directory)'/data*; do \(stop) >/dev/null 2>&1; done; rm -rf '\(c.directory)'; fi"
        guard Spawn.start(["/bin/sh", "-c", script], output: "/dev/null", newSession: true) > 0 else {
            throw PostgresCluster.Unavailable(description: "cannot start the cluster's watchdog")
        }
    }

    static func stopRunning() {
        guard let c = running else { return }
        running = nil
        let dataDirectories = ((try? FileManager.default.contentsOfDirectory(atPath: c.directory)) ?? []).filter { $0.hasPrefix("data") }
        for d in dataDirectories.sorted().reversed() {
            _ = try? run(asUser(c.runAs, [c.binDirectory + "/pg_ctl", "-D", c.directory + "/" + d, "-m", "immediate", "-w", "stop"]))
        }
        try? FileManager.default.removeItem(atPath: c.directory)
    }

    /// A hot standby of `c` (pg_basebackup -R, streaming), on its own port; its data directory lives in the
    /// cluster's directory, so it is stopped and removed with it.
    static func replica(of c: PostgresCluster) throws -> Int {
        let dir = c.directory + "/data-replica-" + UUID().uuidString.prefix(6).lowercased()
        let backup = try run(asUser(c.runAs, [c.binDirectory + "/pg_basebackup", "-h", c.directory, "-p", String(c.port), "-U", "postgres",
                                              "-D", dir, "-R", "-X", "stream", "-c", "fast"]))
        guard backup.code == 0 else { throw PostgresCluster.Unavailable(description: "pg_basebackup failed: \(backup.stderr.suffix(600))") }
        let port = try LoopbackPort.free()
        let start = try run(asUser(c.runAs, [c.binDirectory + "/pg_ctl", "-D", dir, "-l", dir + ".log", "-w", "-t", "120", "-o",
                                             "-p \(port) -k \(c.directory) \(serverSettings) -c hot_standby=on", "start"]))
        guard start.code == 0 else { throw PostgresCluster.Unavailable(description: "the replica did not start: \(start.stderr.suffix(600))") }
        return port
    }

    /// Runs a program to completion, feeding `stdin`; its output is collected through a file, never a pipe,
    /// so that a daemon it leaves behind (the server pg_ctl starts) cannot hold the run open.
    static func run(_ argv: [String], stdin: String? = nil) throws -> Output {
        let base = NSTemporaryDirectory() + "gate-pg-run-" + UUID().uuidString.prefix(8)
        defer { for suffix in [".out", ".in"] { unlink(base + suffix) } }
        var input: String?
        if let stdin {
            input = base + ".in"
            try Data(stdin.utf8).write(to: URL(fileURLWithPath: input!))
        }
        let pid = Spawn.start(argv, output: base + ".out", input: input)
        guard pid > 0 else { throw PostgresCluster.Unavailable(description: "cannot run \(argv[0]): \(String(cString: strerror(-pid)))") }
        let code = Spawn.wait(pid)
        let text = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        return Output(code: code, stdout: text, stderr: text)
    }
}

/// posix_spawn with every descriptor above stderr closed in the child (so a server never inherits another
/// test's pipes), stdout and stderr to a file, stdin from a file or /dev/null. Foundation's Process is not
/// used: its exit detection does not see children in this test process, where gate's runner handles SIGCHLD.
enum Spawn {
    /// The child's pid, or minus errno.
    static func start(_ argv: [String], output: String, input: String? = nil, newSession: Bool = false) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Every other descriptor open now (posix_spawn_file_actions_addclosefrom_np is not visible from Swift).
        for fd in 3..<Int32(min(sysconf(Int32(_SC_OPEN_MAX)), 4096)) where fcntl(fd, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var flags = Int16(POSIX_SPAWN_SETSIGMASK)
        if newSession { flags |= 0x80 }  // POSIX_SPAWN_SETSID (glibc), not visible from Swift
        posix_spawnattr_setflags(&attributes, flags)
        let path = argv[0].hasPrefix("/") ? argv[0] : "/usr/bin/env"
        let args = (argv[0].hasPrefix("/") ? argv : ["env"] + argv).map { strdup($0) } + [nil]
        defer { args.forEach { free($0) } }
        var pid: pid_t = 0
        let r = posix_spawn(&pid, path, &actions, &attributes, args, environ)
        return r == 0 ? pid : -r
    }

    static func wait(_ pid: Int32) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}

/// Ports on 127.0.0.1 for servers the tests start.
public enum LoopbackPort {
    /// A port the kernel just handed out (bound to port 0, read, released): nothing listens on it now.
    public static func free() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresCluster.Unavailable(description: "socket(): \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw PostgresCluster.Unavailable(description: "cannot bind a free port: \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

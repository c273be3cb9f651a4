import CGateSupport
import Foundation
import Synchronization

/// A cgroup v2 directory per check, under one directory per run beside gate's own cgroup, where the machine
/// lets gate make them (root, or a delegated subtree; `GATE_CGROUPS=0` turns them off). A check's child
/// joins its cgroup before exec, so everything the check starts is born there and stays there whatever it
/// does (setsid, double forks): `cgroup.kill` ends them all at once, and `cgroup.events` says when they are
/// gone. Without cgroups gate falls back to process groups and its subreaper sweep.
///
/// Directories are pooled: a check's directory is reused by a later check once it is empty, so a run pays
/// a `mkdir` per concurrent check rather than per check. The run's directory is named after gate's pid and
/// start time, so a later run can tell one left by a gate that died (and kill what is in it) from one in use.
final class CheckCgroups: Sendable {
    /// The run's directory (absolute).
    let path: String
    private let killFD: Int32
    private struct Pool {
        var free: [CheckCgroup] = []
        var draining: [CheckCgroup] = []
        var made = 0
        /// Set when a child could not join its cgroup: the rest of the run uses process groups only.
        var disabled = false
    }
    private let pool = Locked(Pool())

    private init(path: String, killFD: Int32) {
        self.path = path
        self.killFD = killFD
    }

    /// Makes the run's directory beside gate's own cgroup, after killing what dead gates left in theirs.
    /// Nil when cgroup v2 is not mounted, the directory is not writable, or the kernel has no
    /// `cgroup.kill` (before Linux 5.14).
    static func make() -> CheckCgroups? {
        guard let base = ownCgroupDirectory(), access(base + "/cgroup.procs", W_OK) == 0 else { return nil }
        sweepStale(in: base)
        let dir = base + "/" + runName(pid: getpid())
        guard mkdir(dir, 0o755) == 0 else { return nil }
        let kill = open(dir + "/cgroup.kill", O_WRONLY | O_CLOEXEC)
        guard kill >= 0 else { rmdir(dir); return nil }
        return CheckCgroups(path: dir, killFD: kill)
    }

    /// A directory for one check, or nil (cgroups were disabled for this run, or mkdir failed).
    func acquire() -> CheckCgroup? {
        pool.withLock { p in
            if p.disabled { return nil }
            if let c = p.free.popLast() { return c }
            // A directory whose leftovers were still dying when its check finished may be empty by now.
            if let i = p.draining.firstIndex(where: { !$0.isPopulated }) { return p.draining.remove(at: i) }
            p.made += 1
            return CheckCgroup(path: path + "/check-\(p.made)")
        }
    }

    /// Returns a check's directory to the pool; one that still holds a process is reused only once empty.
    func release(_ c: CheckCgroup) {
        let empty = !c.isPopulated
        pool.withLock { p in if empty { p.free.append(c) } else { p.draining.append(c) } }
    }

    /// A child could not join its cgroup (the hierarchy refuses it): stop trying for the rest of the run.
    func disable(_ c: CheckCgroup) {
        pool.withLock { p in
            p.disabled = true
            p.free.append(c)
        }
    }

    /// SIGKILL to every process of every check, at once.
    func killAll() { _ = pwrite(killFD, "1", 1, 0) }

    /// True while a process of some check is alive.
    var isPopulated: Bool { gate_cgroup_populated(path) == 1 }

    /// Kills what is left, waits up to `waitMs` for it to go, and removes every directory. Returns false
    /// when a process was still alive at the end.
    func remove(waitMs: Int32) -> Bool {
        let empty = gate_cgroup_kill_tree(path, waitMs) == 0
        let all = pool.withLock { p in defer { p.free = []; p.draining = [] }; return p.free + p.draining }
        for c in all { c.close() }
        close(killFD)
        _ = gate_cgroup_remove_tree(path)
        return empty
    }

    // MARK: Finding and naming

    /// The directory of this process's cgroup in the cgroup v2 hierarchy, from /proc/self/cgroup (`0::/path`)
    /// and the cgroup2 mount in /proc/self/mountinfo.
    static func ownCgroupDirectory() -> String? {
        guard let own = SmallFile.text("/proc/self/cgroup"), let mounts = SmallFile.text("/proc/self/mountinfo")
        else { return nil }
        return cgroupDirectory(cgroupFile: own, mountinfo: mounts)
    }

    /// The cgroup v2 directory named by a /proc/PID/cgroup text, under the cgroup2 mount of a mountinfo
    /// text; nil without a `0::` line or a cgroup2 mount that contains it.
    static func cgroupDirectory(cgroupFile own: String, mountinfo mounts: String) -> String? {
        guard let line = own.split(separator: "\n").first(where: { $0.hasPrefix("0::/") }) else { return nil }
        var relative = String(line.dropFirst(3))
        for mount in mounts.split(separator: "\n") {
            // id parent major:minor root mountpoint options ... - type source superoptions
            guard let dash = mount.range(of: " - cgroup2 ") else { continue }
            let fields = mount[..<dash.lowerBound].split(separator: " ")
            guard fields.count >= 5 else { continue }
            let root = String(fields[3]), point = String(fields[4])
            if root != "/" {
                guard relative == root || relative.hasPrefix(root + "/") else { continue }
                relative = String(relative.dropFirst(root.count))
            }
            let dir = point + (relative == "/" ? "" : relative)
            return dir.contains("\\") ? nil : dir  // mountinfo escapes spaces as \040: not worth decoding
        }
        return nil
    }

    static func runName(pid: pid_t) -> String { "gate-\(pid)-\(startTime(of: pid) ?? 0)" }

    /// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot.
    static func startTime(of pid: pid_t) -> UInt64? {
        guard let stat = SmallFile.text("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    /// Kills and removes the run directories of gates that are gone (a SIGKILL that also took the keeper).
    /// A gate is gone when no process has the directory's pid with its start time; gates in other pid
    /// namespaces that share this cgroup are not told apart (containers normally have a cgroup of their own).
    static func sweepStale(in base: String) {
        for name in ProcessGroups.listDirectory(base) where name.hasPrefix("gate-") {
            let parts = name.split(separator: "-")
            guard parts.count == 3, let pid = pid_t(parts[1]), let start = UInt64(parts[2]) else { continue }
            if startTime(of: pid) == start { continue }
            _ = gate_cgroup_kill_tree(base + "/" + name, 1000)
            _ = gate_cgroup_remove_tree(base + "/" + name)
        }
    }
}

/// One check's cgroup directory, with the files gate writes and reads kept open.
final class CheckCgroup: Sendable {
    let path: String
    /// `cgroup.procs`, for the child to join (it writes "0" before exec). -1 when mkdir failed.
    let procsFD: Int32
    private let eventsFD: Int32
    private let killFD: Int32

    init?(path: String) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { return nil }
        let procs = open(path + "/cgroup.procs", O_WRONLY | O_CLOEXEC)
        let events = open(path + "/cgroup.events", O_RDONLY | O_CLOEXEC)
        let kill = open(path + "/cgroup.kill", O_WRONLY | O_CLOEXEC)
        guard procs >= 0, events >= 0, kill >= 0 else {
            for fd in [procs, events, kill] where fd >= 0 { Glibc.close(fd) }
            rmdir(path)
            return nil
        }
        self.path = path
        procsFD = procs
        eventsFD = events
        killFD = kill
    }

    /// True while a process is alive in this cgroup or below it.
    var isPopulated: Bool {
        var buf = [UInt8](repeating: 0, count: 128)
        let n = buf.withUnsafeMutableBytes { pread(eventsFD, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        return String(decoding: buf[0..<n], as: UTF8.self).contains("populated 1")
    }

    /// SIGKILL to every process in the cgroup (the kernel walks it; nothing can escape by forking).
    func kill() { _ = pwrite(killFD, "1", 1, 0) }

    /// `signal` to every process listed in the cgroup now (SIGTERM when a check is stopped: cgroup.kill
    /// only knows SIGKILL).
    func signalAll(_ signal: Int32) {
        guard let text = SmallFile.text(path + "/cgroup.procs") else { return }
        for line in text.split(separator: "\n") { if let pid = pid_t(line) { Glibc.kill(pid, signal) } }
    }

    func close() {
        for fd in [procsFD, eventsFD, killFD] { Glibc.close(fd) }
    }
}

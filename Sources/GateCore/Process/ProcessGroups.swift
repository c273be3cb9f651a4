import CGateSupport
import Foundation
import Synchronization

/// Every process group gate started and has not reaped yet, so that an emergency stop (a second
/// Ctrl-C) can kill them all, and the end-of-run sweep can tell leaders from orphans.
public final class ProcessGroups: Sendable {
    public static let shared = ProcessGroups()

    private let leaders = Locked<Set<pid_t>>([])

    func add(_ pid: pid_t) { _ = leaders.withLock { $0.insert(pid) } }
    func remove(_ pid: pid_t) { _ = leaders.withLock { $0.remove(pid) } }

    /// How many groups are running now.
    public var count: Int { leaders.withLock { $0.count } }

    /// Sends `signal` to every running group.
    public func signalAll(_ signal: Int32) {
        for pid in leaders.withLock({ Array($0) }) { kill(-pid, signal) }
    }

    /// Makes this process a child subreaper (Linux), so that descendants which escape their process
    /// group (setsid, double fork) are re-parented here and `sweepOrphans` can find them.
    @discardableResult
    public static func becomeSubreaper() -> Bool { gate_set_child_subreaper() == 0 }

    /// Kills and reaps every child of this process that is not a running group leader. Call it when no
    /// check is running (the end of a run): those children can only be leftovers of finished checks.
    /// Returns how many were still alive (zombies are reaped without being counted).
    @discardableResult
    public func sweepOrphans() -> Int {
        let active = leaders.withLock { $0 }
        var killed = 0
        for p in Self.children() where !active.contains(p.pid) {
            if p.state != "Z" {
                kill(p.pid, SIGKILL)
                killed += 1
            }
            var status: Int32 = 0
            while waitpid(p.pid, &status, 0) < 0 && errno == EINTR {}
        }
        return killed
    }

    /// Reaps zombie children in process group `group` (descendants re-parented here by the subreaper).
    static func reapZombies(group: pid_t) {
        for p in children() where p.pgrp == group && p.state == "Z" {
            var status: Int32 = 0
            _ = waitpid(p.pid, &status, WNOHANG)
        }
    }

    struct ProcInfo {
        var pid: pid_t
        var state: Character
        var pgrp: pid_t
    }

    /// Direct children of this process, read from /proc. Each thread's `children` file lists the children
    /// it forked or adopted, a handful of reads; without it (a kernel built without
    /// CONFIG_PROC_CHILDREN) every process in /proc is read, which on a busy machine costs tens of ms.
    static func children() -> [ProcInfo] {
        let me = getpid()
        let candidates = childrenFromTasks() ?? listDirectory("/proc")
        var out: [ProcInfo] = []
        for name in candidates {
            guard let pid = pid_t(name), pid != me,
                let stat = SmallFile.text("/proc/\(name)/stat"),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // After "pid (comm)": state ppid pgrp ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let ppid = pid_t(fields[1]), ppid == me, let pgrp = pid_t(fields[2]),
                let state = fields[0].first
            else { continue }
            out.append(ProcInfo(pid: pid, state: state, pgrp: pgrp))
        }
        return out
    }

    /// The pids in /proc/self/task/*/children, or nil when the kernel does not provide those files.
    static func childrenFromTasks() -> [String]? {
        let tasks = listDirectory("/proc/self/task")
        guard !tasks.isEmpty else { return nil }
        var pids = Set<String>()
        var anyFile = false
        for task in tasks {
            // A thread may have exited since the listing; only a missing file on every thread means no support.
            guard let text = SmallFile.text("/proc/self/task/\(task)/children") else { continue }
            anyFile = true
            for pid in text.split(separator: " ") where !pid.isEmpty { pids.insert(String(pid)) }
        }
        return anyFile ? pids.sorted() : nil
    }

    /// Names in a directory, without `.` and `..`; empty when it cannot be read. (readdir directly: this
    /// runs at the end of every run, and FileManager's listing and file reads cost a few ms here.)
    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

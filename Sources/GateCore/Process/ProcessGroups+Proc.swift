import Foundation

/// Processes as /proc shows them: gate's children and, below them, its descendants.
extension ProcessGroups {
    struct ProcInfo {
        var pid: pid_t
        var ppid: pid_t
        var state: Character
        var pgrp: pid_t
    }

    /// Every descendant of `root` (children first), leaving out `excluded` and what is below it.
    static func descendants(of root: pid_t, excluding excluded: pid_t) -> [ProcInfo] {
        var out: [ProcInfo] = []
        var queue = [root]
        var seen: Set<pid_t> = [root]
        if childrenFromTasks(of: root) == nil {
            // No /proc/PID/task/TID/children on this kernel: one pass over every process gives the tree.
            let all = listDirectory("/proc").compactMap { pid_t($0).flatMap(info) }
            let byParent = Dictionary(grouping: all, by: \.ppid)
            while let pid = queue.popLast() {
                for child in byParent[pid] ?? [] where child.pid != excluded && seen.insert(child.pid).inserted {
                    out.append(child)
                    queue.append(child.pid)
                }
            }
            return out
        }
        while !queue.isEmpty {
            let pid = queue.removeFirst()
            for child in children(of: pid) where child.pid != excluded && seen.insert(child.pid).inserted {
                out.append(child)
                queue.append(child.pid)
            }
        }
        return out
    }

    /// Children of `parent`, read from /proc. Each thread's `children` file lists the children it forked
    /// or adopted, a handful of reads; without it (a kernel built without CONFIG_PROC_CHILDREN) every
    /// process in /proc is read, which on a busy machine costs tens of ms.
    static func children(of parent: pid_t) -> [ProcInfo] {
        let candidates = childrenFromTasks(of: parent) ?? listDirectory("/proc")
        return candidates.compactMap { name in
            guard let pid = pid_t(name), pid != parent, let p = info(pid), p.ppid == parent else { return nil }
            return p
        }
    }

    /// A process's state, parent and group from /proc/PID/stat; nil when it is gone.
    static func info(_ pid: pid_t) -> ProcInfo? {
        guard let stat = SmallFile.text("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm)": state ppid pgrp ...
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 2, let ppid = pid_t(fields[1]), let pgrp = pid_t(fields[2]), let state = fields[0].first
        else { return nil }
        return ProcInfo(pid: pid, ppid: ppid, state: state, pgrp: pgrp)
    }

    /// The pids in /proc/PID/task/*/children, or nil when the kernel does not provide those files.
    static func childrenFromTasks(of pid: pid_t) -> [String]? {
        let base = pid == getpid() ? "/proc/self/task" : "/proc/\(pid)/task"
        let tasks = listDirectory(base)
        guard !tasks.isEmpty else { return pid == getpid() ? nil : [] }
        var pids = Set<String>()
        var anyFile = false
        for task in tasks {
            // A thread may have exited since the listing; only a missing file on every thread means no support.
            guard let text = SmallFile.text("\(base)/\(task)/children") else { continue }
            anyFile = true
            for pid in text.split(separator: " ") where !pid.isEmpty { pids.insert(String(pid)) }
        }
        return anyFile || pid != getpid() ? pids.sorted() : nil
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

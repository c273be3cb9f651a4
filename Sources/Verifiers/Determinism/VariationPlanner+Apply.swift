import Foundation
import GateCore

extension VariationPlanner {
    /// Applies one variation to an experiment run's plan (`j` = 0 for run 2, 1 for run 3, ...), or says
    /// why it cannot be applied here. `parts` limits a variation of several settings to some of them.
    func apply(_ v: Variation, j: Int, runDirectory: String, parts: Set<String>?, to plan: inout RunPlan) -> AppliedVariation {
        switch v {
        case .tz:
            var (zone, offset) = Self.zones[j % Self.zones.count]
            if environment["TZ"] == zone { (zone, offset) = Self.zones[(j + 1) % Self.zones.count] }
            plan.environment["TZ"] = zone
            return AppliedVariation(v, applied: true, detail: "TZ=\(zone), \(offset)", markers: ["GATE"])
        case .locale:
            let name = pickLocale(j)
            for key in ["LC_ALL", "LANG", "LANGUAGE"] { plan.environment[key] = name.locale }
            return AppliedVariation(v, applied: true, detail: "LC_ALL=\(name.locale)" + name.note, markers: [])
        case .umask:
            let mask: UInt32 = facts.umask == 0o077 ? 0o002 : 0o077
            let text = "0" + String(mask, radix: 8).leftPad(3)
            plan.prelude.append("umask \(text)")
            let found = facts.umask.map { ", gate's is 0" + String($0, radix: 8).leftPad(3) } ?? ""
            return AppliedVariation(v, applied: true, detail: "umask \(text)\(found)")
        case .path:
            let tree = runDirectory + "/tree"
            return AppliedVariation(v, applied: true, detail: "working directory copied to \(PathUtil.display(tree))", markers: [tree])
        case .time:
            let days = Self.clockShiftDays * (j + 1)
            guard let library = facts.libfaketime else {
                return AppliedVariation(v, applied: false, detail: facts.timeProblem ?? "libfaketime is not available")
            }
            plan.preload.append(library)
            plan.environment["FAKETIME"] = "+\(days)d"
            // The clock moves, the times of files already on disk do not (reprotest's faketime() sets the
            // same): shifted stat(2) results would blame a source file's fixed mtime on the build.
            plan.environment["NO_FAKE_STAT"] = "1"
            return AppliedVariation(v, applied: true, detail: "clock +\(days) days through libfaketime (FAKETIME=+\(days)d, NO_FAKE_STAT=1)")
        case .home:
            let home = runDirectory + "/home"
            plan.directories.append(home)
            plan.environment["HOME"] = home
            return AppliedVariation(v, applied: true, detail: "HOME set to the empty directory \(PathUtil.display(home))", markers: [home])
        case .envOrder:
            guard let env = facts.env else {
                return AppliedVariation(v, applied: false, detail: "'env' (coreutils) is not on PATH")
            }
            plan.envTool = env
            return AppliedVariation(v, applied: true, detail: "environment passed in reverse order through 'env -i'")
        case .random:
            var seed = 1000 + j
            if environment["PYTHONHASHSEED"] == String(seed) { seed += 100 }
            let keys = ["PYTHONHASHSEED", "PERL_HASH_SEED"].filter { parts == nil || parts!.contains($0) }
            for key in keys { plan.environment[key] = String(seed) }
            return AppliedVariation(v, applied: true, detail: keys.map { "\($0)=\(seed)" }.joined(separator: ", "))
        case .jobs:
            let n = max(2, facts.allowedCPUs.count) * 2 + j
            plan.environment["MAKEFLAGS"] = "-j\(n)"
            for key in ["CMAKE_BUILD_PARALLEL_LEVEL", "OMP_NUM_THREADS", "GOMAXPROCS", "RAYON_NUM_THREADS", "NUMBER_OF_PROCESSORS"] {
                plan.environment[key] = String(n)
            }
            return AppliedVariation(v, applied: true, detail: "MAKEFLAGS=-j\(n), OMP_NUM_THREADS=\(n) and other CPU-count variables",
                                    markers: ["-j\(n)"])
        case .cpus:
            return cpus(j: j, to: &plan)
        case .aslr:
            if let problem = facts.aslrProblem { return AppliedVariation(v, applied: false, detail: problem) }
            plan.wrappers.append(contentsOf: [facts.setarch!, "-R"])
            return AppliedVariation(v, applied: true, detail: "setarch -R: ASLR off, the control has it on")
        case .execPath:
            let dir = runDirectory + "/extra-bin"
            plan.directories.append(dir)
            let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            plan.environment["PATH"] = path + ":" + dir
            return AppliedVariation(v, applied: true, detail: "PATH gains \(PathUtil.display(dir))", markers: [dir])
        case .hostname:
            if let problem = facts.hostnameProblem { return AppliedVariation(v, applied: false, detail: problem) }
            let name = "gate-run-\(j + 2)"
            // The name is set inside the new UTS namespace before any user namespace drops the right to.
            plan.wrappers.append(contentsOf: [facts.unshare!, "--uts", "/bin/sh", "-c",
                                              "printf %s \(name) > /proc/sys/kernel/hostname && exec \"$@\"", "sh"])
            plan.hostname = name
            return AppliedVariation(v, applied: true, detail: "hostname \(name) through unshare --uts", markers: [name])
        case .user:
            if let problem = facts.userProblem { return AppliedVariation(v, applied: false, detail: problem) }
            let uid = Self.otherID(facts.uid, j: j), gid = Self.otherID(facts.gid, j: j)
            plan.wrappers.append(contentsOf: [facts.unshare!, "--user", "--map-user=\(uid)", "--map-group=\(gid)"])
            return AppliedVariation(v, applied: true, detail: "uid \(uid), gid \(gid) (gate runs as \(facts.uid):\(facts.gid)) through unshare --user")
        case .kernel:
            guard let shim = facts.shim else {
                return AppliedVariation(v, applied: false, detail: facts.shimProblem ?? "gate's preload shim is not available")
            }
            let release = "9.\(j + 1).0-gate"
            addShim(shim, to: &plan)
            plan.environment["GATE_UNAME_RELEASE"] = release
            plan.environment["GATE_UNAME_VERSION"] = "#\(j + 1) SMP PREEMPT gate"
            return AppliedVariation(v, applied: true, detail: "uname reports release \(release) (gate's preload shim)", markers: [release])
        case .fileOrder:
            if let mount = orderMount(varied: true, j: j, runDirectory: plan.treePath == nil ? runDirectory : PathUtil.dirname(plan.treePath!)) {
                plan.orderMount = mount
                return AppliedVariation(v, applied: true, detail: "directories listed \(j == 0 ? "in reverse" : "shuffled") through disorderfs")
            }
            guard let shim = facts.shim else {
                let why = [facts.disorderfsProblem, facts.shimProblem].compactMap { $0 }.joined(separator: "; ")
                return AppliedVariation(v, applied: false, detail: why.isEmpty ? "neither disorderfs nor gate's preload shim is available" : why)
            }
            addShim(shim, to: &plan)
            plan.environment["GATE_READDIR_ORDER"] = j == 0 ? "reverse" : "shuffle:\(j)"
            return AppliedVariation(v, applied: true, detail: "readdir lists entries \(j == 0 ? "in reverse" : "shuffled") (gate's preload shim"
                                    + (facts.disorderfsProblem.map { "; \($0)" } ?? "") + ")")
        }
    }

    private func cpus(j: Int, to plan: inout RunPlan) -> AppliedVariation {
        let cpus = facts.allowedCPUs
        if cpus.count >= 2 {
            guard let taskset = facts.taskset else {
                return AppliedVariation(.cpus, applied: false, detail: "'taskset' is not installed (Debian package util-linux)")
            }
            let subset = cpus.prefix(max(1, cpus.count / (j + 2)))
            let list = subset.map(String.init).joined(separator: ",")
            plan.wrappers.append(contentsOf: [taskset, "-c", list])
            return AppliedVariation(.cpus, applied: true, detail: "taskset -c \(list): \(subset.count) of \(cpus.count) CPUs")
        }
        // One CPU: nothing smaller to pin to, so the shim reports more.
        guard let shim = facts.shim else {
            return AppliedVariation(.cpus, applied: false, detail: "only \(cpus.count) CPU is available and gate's preload shim is not: "
                                    + (facts.shimProblem ?? "unknown reason"))
        }
        let n = 4 + j
        addShim(shim, to: &plan)
        plan.environment["GATE_NPROC"] = String(n)
        return AppliedVariation(.cpus, applied: true, detail: "\(n) CPUs reported by sysconf and sched_getaffinity (gate's preload shim; 1 CPU here)")
    }

    private func addShim(_ shim: String, to plan: inout RunPlan) {
        if !plan.preload.contains(shim) { plan.preload.append(shim) }
    }
}

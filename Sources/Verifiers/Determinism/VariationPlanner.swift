import Foundation
import GateCore

/// Builds each run's plan. Run 1 (the control) changes nothing; runs 2...N each apply every requested
/// variation with a value that differs from the control's and from each other's.
struct VariationPlanner: Sendable {
    let variations: [Variation]
    let facts: MachineFacts
    let environment: [String: String]

    /// Far-off POSIX time zones; glibc understands these rules without tzdata.
    static let zones = [("GATE-14", "UTC+14"), ("GATE+12", "UTC-12"), ("GATE-5:45", "UTC+5:45")]
    static let clockShiftDays = 373

    func plan(run index: Int, runDirectory: String) -> RunPlan {
        var plan = RunPlan(index: index, environment: environment, isolatedTree: variations.contains(.path),
                           hostname: facts.hostname)
        guard index > 1 else { return plan }
        let j = index - 2
        for v in variations.sorted() {
            plan.variations.append(apply(v, j: j, runDirectory: runDirectory, to: &plan))
        }
        return plan
    }

    private func apply(_ v: Variation, j: Int, runDirectory: String, to plan: inout RunPlan) -> AppliedVariation {
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
            if let faketime = facts.faketime {
                plan.wrappers.append(contentsOf: [faketime, "-f", "+\(days)d"])
                return AppliedVariation(v, applied: true, detail: "libfaketime, clock +\(days) days (faketime -f +\(days)d)")
            }
            let base = environment["SOURCE_DATE_EPOCH"].flatMap { Int($0) } ?? Int(Date().timeIntervalSince1970) / 86400 * 86400
            let epoch = String(base + days * 86400)
            plan.environment["SOURCE_DATE_EPOCH"] = epoch
            return AppliedVariation(
                v, applied: true,
                detail: "SOURCE_DATE_EPOCH=\(epoch); no libfaketime, so only programs that read it see another time "
                    + "(install 'faketime' to shift the clock)",
                markers: [epoch])
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
            plan.environment["PYTHONHASHSEED"] = String(seed)
            plan.environment["PERL_HASH_SEED"] = String(seed)
            return AppliedVariation(v, applied: true, detail: "PYTHONHASHSEED=\(seed), PERL_HASH_SEED=\(seed)")
        case .jobs:
            let n = max(2, facts.allowedCPUs.count) * 2 + j
            plan.environment["MAKEFLAGS"] = "-j\(n)"
            for key in ["CMAKE_BUILD_PARALLEL_LEVEL", "OMP_NUM_THREADS", "GOMAXPROCS", "RAYON_NUM_THREADS",
                        "NUMBER_OF_PROCESSORS"] {
                plan.environment[key] = String(n)
            }
            return AppliedVariation(v, applied: true, detail: "MAKEFLAGS=-j\(n), OMP_NUM_THREADS=\(n) and other CPU-count variables",
                                    markers: ["-j\(n)"])
        case .cpus:
            let cpus = facts.allowedCPUs
            guard cpus.count >= 2 else {
                return AppliedVariation(v, applied: false, detail: "only \(cpus.count) CPU is available to gate, so there is no smaller set")
            }
            guard let taskset = facts.taskset else {
                return AppliedVariation(v, applied: false, detail: "'taskset' is not installed (Debian package util-linux)")
            }
            let subset = cpus.prefix(max(1, cpus.count / (j + 2)))
            let list = subset.map(String.init).joined(separator: ",")
            plan.wrappers.append(contentsOf: [taskset, "-c", list])
            return AppliedVariation(v, applied: true, detail: "taskset -c \(list): \(subset.count) of \(cpus.count) CPUs")
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
            plan.wrappers.append(contentsOf: [facts.unshare!, "--uts"])
            plan.prelude.append("printf %s \(name) > /proc/sys/kernel/hostname")
            plan.hostname = name
            return AppliedVariation(v, applied: true, detail: "hostname \(name) through unshare --uts", markers: [name])
        }
    }

    /// Another locale than the control's, preferring ones that format numbers and dates differently.
    private func pickLocale(_ j: Int) -> (locale: String, note: String) {
        let control = environment["LC_ALL"] ?? environment["LC_CTYPE"] ?? environment["LANG"] ?? "C"
        let plain: Set<String> = ["C", "POSIX", "C.utf8", "C.UTF-8"]
        let preferred = ["de_DE", "fr_FR", "tr_TR", "es_ES", "en_US"]
        let real = facts.locales.filter { !plain.contains($0) && $0 != control }
        let ranked = preferred.flatMap { p in real.filter { $0.hasPrefix(p) && $0.lowercased().hasSuffix("utf8") } }
            + real.filter { $0.lowercased().hasSuffix("utf8") }
        if !ranked.isEmpty { return (ranked[j % ranked.count], "") }
        let fallback = control.hasPrefix("C.") ? "C" : "C.UTF-8"
        return (fallback, "; only C locales are installed (add 'locales-all' for a stronger variation)")
    }
}

extension String {
    func leftPad(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

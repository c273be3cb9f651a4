import Foundation
import GateCore
import Synchronization

/// What this machine allows, found once per PATH and set of variations: which wrapper tools exist and
/// whether the kernel lets them work (a container may forbid namespaces or personality changes).
/// Variations read these facts to decide whether they can be applied, and say why not when they cannot.
/// Only the requested variations' probes run, so a plain repeat starts no probe process.
struct MachineFacts: Sendable {
    /// A libfaketime that was seen to shift the clock; nil with `timeProblem` saying why not.
    var libfaketime: String?
    var timeProblem: String?
    /// gate's preload shim, built and seen to work; nil with `shimProblem` saying why not.
    var shim: String?
    var shimProblem: String?
    /// disorderfs and fusermount, when a probe mount worked; else `disorderfsProblem` says why not.
    var disorderfs: String?
    var fusermount: String?
    var disorderfsProblem: String?
    /// Why `unshare --user --map-user` cannot run the command as another user; nil when it can.
    var userProblem: String?
    var uid: UInt32 = getuid()
    var gid: UInt32 = getgid()
    var taskset: String?
    var env: String?
    var diffoscope: String?
    var setarch: String?
    /// Why `setarch -R` cannot turn ASLR off here; nil when it can.
    var aslrProblem: String?
    var unshare: String?
    /// Why `unshare --uts` cannot give the command another host name; nil when it can.
    var hostnameProblem: String?
    var allowedCPUs: [Int]
    var umask: UInt32?
    var locales: [String]
    var hostname: String
}

enum MachineProbe {
    private static let cache = Mutex<[String: MachineFacts]>([:])

    /// `environment` locates the shim's cache and may name libfaketime (`GATE_LIBFAKETIME`); `faketime`
    /// (the check's `faketime-library`) overrides both.
    static func facts(path: String?, needs: Set<Variation> = Set(Variation.allCases), environment: [String: String] = [:],
                      faketime: String? = nil) async -> MachineFacts {
        let override = faketime ?? environment["GATE_LIBFAKETIME"].flatMap { $0.isEmpty ? nil : $0 }
        let key = [path ?? "", needs.sorted().map(\.rawValue).joined(separator: ","), override ?? "",
                   PreloadShim.directory(environment: environment)].joined(separator: "\u{0}")
        if let known = cache.withLock({ $0[key] }) { return known }
        var found = await probe(path: path, needs: needs)
        await probePreloads(&found, path: path, needs: needs, environment: environment, faketime: override)
        cache.withLock { $0[key] = found }
        return found
    }

    private static func probe(path: String?, needs: Set<Variation>) async -> MachineFacts {
        func which(_ name: String) -> String? { ProcessRunner.which(name, path: path, cwd: "/") }
        var f = MachineFacts(
            taskset: which("taskset"), env: which("env"),
            diffoscope: which("diffoscope"), setarch: which("setarch"), aslrProblem: nil, unshare: which("unshare"),
            hostnameProblem: nil, allowedCPUs: allowedCPUs(), umask: currentUmask(), locales: [],
            hostname: hostName())

        if !needs.contains(.aslr) {
            f.aslrProblem = "not probed"
        } else if let setarch = f.setarch {
            let out = await run([setarch, "-R", "/bin/sh", "-c", "cat /proc/self/personality"])
            if out?.code != 0 {
                f.aslrProblem = "'setarch -R' is not permitted here (\(out?.text.prefix(120) ?? "could not start"))"
            } else if let v = UInt32(out!.text.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16),
                      v & 0x0040000 == 0 {
                f.aslrProblem = "'setarch -R' did not set ADDR_NO_RANDOMIZE"
            } else if let setting = try? String(contentsOfFile: "/proc/sys/kernel/randomize_va_space", encoding: .utf8),
                      setting.trimmingCharacters(in: .whitespacesAndNewlines) == "0" {
                f.aslrProblem = "ASLR is off system-wide (kernel.randomize_va_space=0), so both runs get the same layout"
            }
        } else {
            f.aslrProblem = "'setarch' is not installed (Debian package util-linux)"
        }

        if !needs.contains(.hostname) {
            f.hostnameProblem = "not probed"
        } else if let unshare = f.unshare {
            let script = "printf %s gate-probe > /proc/sys/kernel/hostname && cat /proc/sys/kernel/hostname"
            let out = await run([unshare, "--uts", "/bin/sh", "-c", script])
            if out?.code != 0 || out?.text.trimmingCharacters(in: .whitespacesAndNewlines) != "gate-probe" {
                let why = out?.text.split(separator: "\n").first.map(String.init) ?? "could not start"
                f.hostnameProblem = "'unshare --uts' is not permitted here (\(why)); it needs root or CAP_SYS_ADMIN"
            }
        } else {
            f.hostnameProblem = "'unshare' is not installed (Debian package util-linux)"
        }

        if needs.contains(.locale), let locale = which("locale"), let out = await run([locale, "-a"]), out.code == 0 {
            f.locales = out.text.split(separator: "\n").map { String($0) }.sorted()
        }
        return f
    }

    struct Output { var code: Int32; var text: String }

    /// Runs a probe with a short timeout; stdout and stderr together.
    static func run(_ argv: [String], extra: [String: String] = [:]) async -> Output? {
        var env = ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LC_ALL": "C"]
        env.merge(extra) { $1 }
        let spec = ProcessSpec(.argv(argv), environment: env, cwd: "/", captureLimit: 64 * 1024,
                               timeout: .seconds(10), killGrace: .seconds(1))
        guard let r = try? await ProcessRunner.run(spec) else { return nil }
        return Output(code: r.exitCode ?? -1, text: r.stdout.text + r.stderr.text)
    }

    /// gethostname(2); Foundation's hostName may resolve names over the network.
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The CPUs this process may run on, from /proc/self/status ("0-3,6").
    static func allowedCPUs() -> [Int] {
        guard let list = statusField("Cpus_allowed_list") else {
            return Array(0..<ProcessInfo.processInfo.activeProcessorCount)
        }
        return parseCPUList(list)
    }

    static func parseCPUList(_ list: String) -> [Int] {
        var cpus: [Int] = []
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if bounds.count == 2, bounds[0] <= bounds[1] { cpus += Array(bounds[0]...bounds[1]) }
            else if bounds.count == 1 { cpus.append(bounds[0]) }
        }
        return cpus
    }

    /// gate's umask, read without calling umask(2), which would change it for every thread.
    static func currentUmask() -> UInt32? {
        statusField("Umask").flatMap { UInt32($0, radix: 8) }
    }

    private static func statusField(_ name: String) -> String? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}

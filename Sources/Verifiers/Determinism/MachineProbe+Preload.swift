import Foundation
import GateCore

/// The probes for what is preloaded or mounted into the command: libfaketime, gate's shim, disorderfs,
/// and user namespaces. Each is tried on a real program, so that "applied" means "seen to work here".
extension MachineProbe {
    /// Where Debian, Fedora and source installs put libfaketime.
    static let libfaketimeCandidates = [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/arm-linux-gnueabihf/faketime/libfaketime.so.1", "/usr/lib/i386-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib64/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1",
        "/usr/local/lib/faketime/libfaketime.so.1",
    ]

    static func probePreloads(_ f: inout MachineFacts, path: String?, needs: Set<Variation>,
                              environment: [String: String], faketime override: String?) async {
        if needs.contains(.time) { await probeTime(&f, override: override) }
        let shimNeeded = needs.contains(.kernel) || needs.contains(.fileOrder)
            || (needs.contains(.cpus) && f.allowedCPUs.count < 2)
        if needs.contains(.fileOrder) { await probeDisorderfs(&f, path: path) }
        if shimNeeded { await probeShim(&f, path: path, environment: environment) }
        if needs.contains(.user) { await probeUser(&f) }
    }

    /// libfaketime, preloaded with `FAKETIME=+373d`, must move `date`'s clock by about a year.
    private static func probeTime(_ f: inout MachineFacts, override: String?) async {
        let library: String
        if let override {
            guard FileInfo.exists(override) else {
                f.timeProblem = "libfaketime was not found at '\(override)' (set by 'faketime-library' or GATE_LIBFAKETIME), so the clock cannot be shifted"
                return
            }
            library = override
        } else if let found = libfaketimeCandidates.first(where: { FileInfo.exists($0) }) {
            library = found
        } else {
            f.timeProblem = "libfaketime is not installed (Debian package 'faketime'), so the clock cannot be shifted; "
                + "install it (or point 'faketime-library' at libfaketime.so.1)"
            return
        }
        let now = Int(Date().timeIntervalSince1970)
        let out = await run(["/bin/sh", "-c", "date +%s"], extra: ["LD_PRELOAD": library, "FAKETIME": "+373d"])
        let seen = out.flatMap { Int($0.text.split(separator: "\n").last.map(String.init) ?? "") }
        guard let seen, seen > now + 300 * 86400 else {
            let said = out?.text.split(separator: "\n").first.map { ": '\($0)'" } ?? ""
            f.timeProblem = "'\(library)' did not shift the clock when preloaded\(said)"
            return
        }
        f.libfaketime = library
    }

    /// The shim must change what `uname -r` prints.
    private static func probeShim(_ f: inout MachineFacts, path: String?, environment: [String: String]) async {
        switch await PreloadShim.build(environment: environment, path: path) {
        case .failure(let problem):
            f.shimProblem = problem.text
        case .success(let library):
            let out = await run(["/bin/sh", "-c", "uname -r"], extra: ["LD_PRELOAD": library, "GATE_UNAME_RELEASE": "gate-probe"])
            if out?.text.trimmingCharacters(in: .whitespacesAndNewlines) == "gate-probe" {
                f.shim = library
            } else {
                f.shimProblem = "gate's preload shim '\(library)' did not take effect (\(out?.text.prefix(120) ?? "could not start"))"
            }
        }
    }

    /// A disorderfs mount of an empty directory must come up and go away again.
    private static func probeDisorderfs(_ f: inout MachineFacts, path: String?) async {
        func which(_ name: String) -> String? { ProcessRunner.which(name, path: path, cwd: "/") }
        guard let disorderfs = which("disorderfs") else {
            f.disorderfsProblem = "'disorderfs' is not installed"
            return
        }
        guard let fusermount = which("fusermount") ?? which("fusermount3") else {
            f.disorderfsProblem = "'fusermount' is not installed (Debian package fuse3)"
            return
        }
        let base = NSTemporaryDirectory().trimmingSuffix("/") + "/gate-disorderfs-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: base) }
        try? FileManager.default.createDirectory(atPath: base + "/src", withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: base + "/mnt", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: base + "/src/probe", contents: Data())
        let out = await run([disorderfs, "-q", "--shuffle-dirents=no", "--reverse-dirents=yes", base + "/src", base + "/mnt"])
        let mounted = out?.code == 0 && FileInfo.exists(base + "/mnt/probe")
        _ = await run([fusermount, "-u", base + "/mnt"])
        if mounted {
            f.disorderfs = disorderfs
            f.fusermount = fusermount
        } else {
            let why = out?.text.split(separator: "\n").first.map(String.init) ?? "could not start"
            f.disorderfsProblem = "disorderfs cannot mount here (\(why.isEmpty ? "no FUSE" : why))"
        }
    }

    /// `unshare --user --map-user` must give the command another user id.
    private static func probeUser(_ f: inout MachineFacts) async {
        guard let unshare = f.unshare else {
            f.userProblem = "'unshare' is not installed (Debian package util-linux)"
            return
        }
        let other = VariationPlanner.otherID(f.uid, j: 0)
        let out = await run([unshare, "--user", "--map-user=\(other)", "--map-group=\(VariationPlanner.otherID(f.gid, j: 0))", "/bin/sh", "-c", "id -u"])
        if out?.code != 0 || out?.text.trimmingCharacters(in: .whitespacesAndNewlines) != String(other) {
            let why = out?.text.split(separator: "\n").first.map(String.init) ?? "could not start"
            f.userProblem = "'unshare --user --map-user' is not permitted here (\(why)); it needs user namespaces "
                + "(sysctl kernel.unprivileged_userns_clone=1) or root"
        }
    }
}

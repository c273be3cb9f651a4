import Foundation
import GateCore

/// Mounts and unmounts the disorderfs view a run works in (the file-order variation when disorderfs can
/// mount here). The mount lives only for the run; a mount left by a killed gate is cleared before reuse.
enum OrderMounts {
    /// Mounts `source` at the plan's mount point and returns the directory the command runs in.
    static func mount(_ m: RunPlan.OrderMount, source: String) async throws -> String {
        _ = await run([m.fusermount, "-u", "-z", m.mountPoint])
        try? FileManager.default.removeItem(atPath: m.mountPoint)
        do { try AtomicFile.makeDirectory(m.mountPoint) } catch { throw VerifierError(error.description) }
        let out = await run([m.disorderfs, "-q"] + m.options + [source, m.mountPoint])
        guard let out, out.code == 0 else {
            let why = out?.text.split(separator: "\n").first.map(String.init) ?? "could not start"
            throw VerifierError("disorderfs could not mount '\(PathUtil.display(source))' for the file-order variation (\(why)); "
                                + "remove 'file-order' from vary, or fix FUSE (/dev/fuse, fusermount)")
        }
        return m.mountPoint
    }

    static func unmount(_ m: RunPlan.OrderMount) async {
        if await run([m.fusermount, "-u", m.mountPoint])?.code != 0 {
            // Still busy (a daemon the build left): detach it lazily rather than keep it.
            _ = await run([m.fusermount, "-u", "-z", m.mountPoint])
        }
        rmdir(m.mountPoint)
    }

    private static func run(_ argv: [String]) async -> MachineProbe.Output? {
        await MachineProbe.run(argv)
    }
}

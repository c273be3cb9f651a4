import Foundation
import GateTestSupport

/// A directory built to break file walkers: symlink loops, a symlink out of the root, names with a
/// newline and with invalid UTF-8, 10,000 nested directories, a zero-byte file and a 10 GB sparse one.
/// Every file has the extension the verifier under test looks for.
struct HostileTree {
    let path: String

    static let depth = 10_000
    /// 10 GB under `make hardening` (GATE_HARDENING=1); 512 MiB in the everyday suite, still over every
    /// read limit gate has, so the same code paths run in seconds instead of minutes.
    static var sparseSize: Int64 { Hardening.full ? 10 << 30 : 512 << 20 }

    /// Creates the tree under `root/sub`, with `ext` as every file's extension and `content` in the
    /// ordinary ones.
    @discardableResult
    static func make(in root: String, sub: String = "", ext: String, content: String = "",
                     sparse: Bool = true, name: (Int, [UInt8]) -> [UInt8] = { $1 }) throws -> HostileTree {
        let base = sub.isEmpty ? root : root + "/" + sub
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        func write(_ name: [UInt8], _ text: String) {
            let fd = name.withUnsafeBufferPointer { nb -> Int32 in
                var bytes = Array(base.utf8) + [0x2F] + Array(nb) + [0]
                return bytes.withUnsafeMutableBufferPointer { p in
                    p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                        open($0, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    }
                }
            }
            guard fd >= 0 else { return }
            _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
            close(fd)
        }
        func n(_ i: Int, _ stem: [UInt8]) -> [UInt8] { name(i, stem) + Array(".\(ext)".utf8) }
        func s(_ i: Int, _ stem: String) -> String { String(decoding: n(i, Array(stem.utf8)), as: UTF8.self) }
        write(n(1, Array("ok".utf8)), content)
        write(n(2, Array("new\nline".utf8)), content)
        write(n(3, [0x62, 0x61, 0x64, 0xFF, 0xFE]), content)
        write(n(4, Array("empty".utf8)), "")
        if sparse {
            let fd = open(base + "/" + s(5, "sparse"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd >= 0 {
                ftruncate(fd, off_t(sparseSize))
                close(fd)
            }
        }
        symlink(s(6, "loop-a"), base + "/" + s(7, "loop-b"))
        symlink(s(7, "loop-b"), base + "/" + s(6, "loop-a"))
        symlink(".", base + "/self-loop")
        // A FIFO with no writer: whoever opens it for reading without O_NONBLOCK waits forever.
        mkfifo(base + "/" + s(10, "fifo"), 0o644)
        symlink("/etc", base + "/escape")
        symlink("/etc/passwd", base + "/" + s(8, "escape-file"))
        // 10,000 levels: deeper than PATH_MAX allows as one path, so built with mkdirat/openat.
        var fd = open(base, O_RDONLY | O_DIRECTORY)
        for _ in 0..<depth {
            mkdirat(fd, "d", 0o755)
            let next = openat(fd, "d", O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = next
            if fd < 0 { break }
        }
        if fd >= 0 {
            let f = openat(fd, s(9, "deep"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            _ = content.withCString { Glibc.write(f, $0, strlen($0)) }
            close(f)
            close(fd)
        }
        return HostileTree(path: base)
    }

    /// Removes a directory whatever its depth (FileManager stops at PATH_MAX; rm does not).
    static func remove(_ dir: TempDir) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/rm")
        p.arguments = ["-rf", dir.path]
        try? p.run()
        p.waitUntilExit()
    }
}

/// What every hostile run must show: it finished, by itself, with one of gate's own exit codes, and the
/// report (when asked for one) says why in words.
struct HostileOutcome {
    let code: Int32
    let status: String
    let text: String
}

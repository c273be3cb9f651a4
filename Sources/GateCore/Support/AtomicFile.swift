import CGateSupport
import Foundation

/// Writes files so that a reader sees either the old content or the new, never half of one:
/// a temporary file in the same directory, fsync, then rename(2).
///
/// `durable: false` leaves out the fsync. The rename still makes the switch atomic for every reader while
/// the system runs; only a power cut could lose the newest content. Run reports use it: a CI job that
/// loses power is run again, and five fsyncs were a tenth of a small suite's wall time.
public enum AtomicFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    public static func write(_ data: Data, to path: String, createDirectories: Bool = true,
                             durable: Bool = true) throws(Failure) {
        let dir = PathUtil.dirname(path)
        if createDirectories { try makeDirectory(dir) }
        let tmp = dir + "/." + PathUtil.basename(path) + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        let writeError: Int32? = data.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
        if let e = writeError {
            close(fd)
            throw Failure(path: path, reason: String(cString: strerror(e)))
        }
        if durable && fsync(fd) != 0 {
            let e = errno
            close(fd)
            throw Failure(path: path, reason: String(cString: strerror(e)))
        }
        close(fd)
        // Durable writes rename (their data is on disk already); the others exchange, see gate_replace_file.
        guard (durable ? rename(tmp, path) : gate_replace_file(tmp, path)) == 0 else {
            throw Failure(path: path, reason: String(cString: strerror(errno)))
        }
        ok = true
        sweepStale(dir: dir, base: PathUtil.basename(path))
    }

    /// Removes the temporaries that writers of `base` killed mid-write left behind (SIGKILL, power loss):
    /// those whose process is gone. Ours and live writers' are kept.
    static func sweepStale(dir: String, base: String) {
        let prefix = "." + base + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(dir + "/" + name) }
        }
    }

    public static func write(_ text: String, to path: String) throws(Failure) {
        try write(Data(text.utf8), to: path)
    }

    /// mkdir -p.
    public static func makeDirectory(_ path: String) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return }
            throw Failure(path: path, reason: "cannot create directory")
        }
    }

    /// Verifies that `path` could be written now, without touching it: creates the directory and a
    /// probe file beside it. Used to fail with exit 2 before any check runs.
    public static func probeWritable(_ path: String) throws(Failure) {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw Failure(path: path, reason: "it is a directory")
        }
        let dir = PathUtil.dirname(path)
        try makeDirectory(dir)
        let probe = dir + "/.gate-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        close(fd)
        unlink(probe)
    }
}

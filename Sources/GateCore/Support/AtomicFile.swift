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
        /// Set when a confined write was refused because the path leads out of its base (a symlink, `..`).
        public var escape: ConfinedDirectory.Problem?
        public var description: String { "cannot write '\(path)': \(reason)" }

        public init(path: String, reason: String, escape: ConfinedDirectory.Problem? = nil) {
            self.path = path
            self.reason = reason
            self.escape = escape
        }
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
        let writeError: Int32? = writeAll(fd, data)
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

    /// Writes all of `data` to `fd`; the errno of a failed write, or nil.
    private static func writeAll(_ fd: Int32, _ data: Data) -> Int32? {
        data.withUnsafeBytes { raw -> Int32? in
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

    // MARK: Confined writes

    /// Writes `path` like `write(_:to:durable:)`, but opens its directory below `base` without following a
    /// symlink out of `base` (see `ConfinedDirectory`), then creates, writes and renames the file relative
    /// to that descriptor, so that swapping a directory for a symlink after the check changes nothing.
    public static func write(_ data: Data, to path: String, within base: String, durable: Bool = true) throws(Failure) {
        let dirfd = try confinedDirectory(of: path, within: base)
        defer { close(dirfd) }
        let name = PathUtil.basename(path)
        let tmp = "." + name + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        var ok = false
        defer { if !ok { unlinkat(dirfd, tmp, 0) } }
        var failure = writeAll(fd, data)
        if failure == nil && durable && fsync(fd) != 0 { failure = errno }
        close(fd)
        if let e = failure { throw Failure(path: path, reason: String(cString: strerror(e))) }
        guard (durable ? renameat(dirfd, tmp, dirfd, name) : gate_replace_file_at(dirfd, tmp, name)) == 0 else {
            throw Failure(path: path, reason: String(cString: strerror(errno)))
        }
        ok = true
        sweepStale(dirfd: dirfd, base: name)
    }

    /// `sweepStale(dir:base:)` through an open directory.
    static func sweepStale(dirfd: Int32, base: String) {
        let prefix = "." + base + ".tmp-"
        let copy = dup(dirfd)
        guard copy >= 0, let dir = fdopendir(copy) else { return }
        defer { closedir(dir) }
        var stale: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(prefix),
                  let pid = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { stale.append(name) }
        }
        for name in stale { unlinkat(dirfd, name, 0) }
    }

    /// `probeWritable` for a confined path: creates the directories below `base` (no symlink followed out
    /// of it) and a probe file in the last one.
    public static func probeWritable(_ path: String, within base: String) throws(Failure) {
        let dirfd = try confinedDirectory(of: path, within: base)
        defer { close(dirfd) }
        var st = stat()
        if fstatat(dirfd, PathUtil.basename(path), &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw Failure(path: path, reason: "it is a directory")
        }
        let probe = ".gate-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = openat(dirfd, probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        close(fd)
        unlinkat(dirfd, probe, 0)
    }

    private static func confinedDirectory(of path: String, within base: String) throws(Failure) -> Int32 {
        switch ConfinedDirectory.open(PathUtil.dirname(path), within: base, create: true) {
        case .success(let fd): return fd
        case .failure(let problem):
            throw Failure(path: path, reason: problem.message, escape: problem.isEscape ? problem : nil)
        }
    }
}

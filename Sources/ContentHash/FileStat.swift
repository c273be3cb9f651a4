#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parts of stat(2) that identify a file's content without reading it: what the CAS stat cache keys
/// on. The ctime and inode are there because a writer can keep the size and rewind the mtime, but cannot
/// rewind the ctime, and a replaced file gets a new inode.
public struct FileStat: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var mtimeNs: Int64
    public var ctimeNs: Int64
    public var mode: UInt32

    public init(device: UInt64, inode: UInt64, size: Int64, mtimeNs: Int64, ctimeNs: Int64, mode: UInt32) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
        self.mode = mode
    }

    public init(_ s: stat) {
        #if canImport(Darwin)
        let m = Int64(s.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(s.st_mtimespec.tv_nsec)
        let c = Int64(s.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(s.st_ctimespec.tv_nsec)
        #else
        let m = Int64(s.st_mtim.tv_sec) * 1_000_000_000 + Int64(s.st_mtim.tv_nsec)
        let c = Int64(s.st_ctim.tv_sec) * 1_000_000_000 + Int64(s.st_ctim.tv_nsec)
        #endif
        self.init(device: UInt64(s.st_dev), inode: UInt64(s.st_ino), size: Int64(s.st_size), mtimeNs: m, ctimeNs: c,
                  mode: UInt32(s.st_mode))
    }

    public var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
    public var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
    public var isSymlink: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFLNK) }

    /// stat(2) of `path`; lstat(2) when `followSymlinks` is false. Nil when it does not exist or fails.
    public static func of(_ path: String, followSymlinks: Bool = true) -> FileStat? {
        var s = stat()
        let rc = followSymlinks ? stat(path, &s) : lstat(path, &s)
        return rc == 0 ? FileStat(s) : nil
    }

    /// fstatat(2) of `name` in the directory `directoryFD`.
    public static func at(_ directoryFD: Int32, _ name: String, followSymlinks: Bool = false) -> FileStat? {
        var s = stat()
        return fstatat(directoryFD, name, &s, followSymlinks ? 0 : AT_SYMLINK_NOFOLLOW) == 0 ? FileStat(s) : nil
    }

    /// fstat(2) of an open descriptor.
    public static func of(fd: Int32) -> FileStat? {
        var s = stat()
        return fstat(fd, &s) == 0 ? FileStat(s) : nil
    }
}

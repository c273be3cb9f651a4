#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One file the walk found, handed to a `TreeVisitor` on a worker thread.
public struct WalkEntry {
    public enum Kind: Sendable, Equatable {
        case file
        /// A symbolic link to a regular file inside the root; hashing it reads the target.
        case symlinkToFile
    }

    /// The open directory holding the entry, for openat(2) and fstatat(2).
    public let directoryFD: Int32
    /// The directory relative to the root ("" at the root itself).
    public let directory: String
    public let name: String
    public let kind: Kind
    /// The inode from the directory listing (d_ino), for cache lookups before any stat(2).
    public let inode: UInt64

    /// The path relative to the root.
    public var path: String { directory.isEmpty ? name : directory + "/" + name }
}

/// Something the walk could not follow or read. Symlinks are never followed out of the root.
public enum WalkIssue: Sendable, Hashable {
    case symlinkOutsideRoot(path: String, target: String)
    /// A symlink to a directory that contains it: following it would never end.
    case symlinkLoop(path: String, target: String)
    case danglingSymlink(path: String, target: String)
    /// A FIFO, socket or device where a file was expected.
    case special(path: String)
    case unreadable(path: String, message: String)

    public var path: String {
        switch self {
        case .symlinkOutsideRoot(let p, _), .symlinkLoop(let p, _), .danglingSymlink(let p, _), .special(let p),
            .unreadable(let p, _):
            p
        }
    }
}

/// A directory being walked. Its entries may be split into chunks handled by several workers;
/// `finishedDirectory` is called once, by whichever worker completes the last chunk. `state` is a slot for
/// the visitor's own per-directory data (a cache segment, say), guarded by `withState`.
public final class WalkDirectory: @unchecked Sendable {
    public let relativePath: String
    public let fd: Int32
    private let lock = NSLock()
    private var state: AnyObject?
    private var pendingChunks: Int

    init(relativePath: String, fd: Int32, chunks: Int) {
        self.relativePath = relativePath
        self.fd = fd
        self.pendingChunks = chunks
    }

    deinit { close(fd) }

    /// Runs `body` with exclusive access to the per-directory state slot.
    public func withState<T>(_ body: (inout AnyObject?) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    /// True for the caller that finished the last chunk.
    func finishChunk() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        pendingChunks -= 1
        return pendingChunks == 0
    }
}

/// Receives the walk's files on one worker thread. The walker makes one visitor per worker, so a visitor
/// can own buffers and counters without locks; the caller merges them after the walk.
public protocol TreeVisitor: AnyObject, SendableMetatype {
    func visit(_ entry: WalkEntry, in directory: WalkDirectory)
    /// This worker has visited its share of `directory`'s entries.
    func finishedChunk(of directory: WalkDirectory)
    /// Every entry of `directory` has been visited, by any worker.
    func finishedDirectory(_ directory: WalkDirectory)
}

extension TreeVisitor {
    public func finishedChunk(of directory: WalkDirectory) {}
    public func finishedDirectory(_ directory: WalkDirectory) {}
}

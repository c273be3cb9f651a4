#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The shared state of one walk: the work queue (chunks first, then directories), the count of busy
/// workers that decides when the walk is over, and the issues found.
final class WalkRun: @unchecked Sendable {
    enum Work {
        case directory(String)
        case chunk(WalkDirectory, ArraySlice<Listed>)
    }

    struct Listed {
        let name: String
        let inode: UInt64
        let kind: WalkEntry.Kind
    }

    let root: String
    let chunkSize: Int
    let descend: @Sendable (String) -> Bool
    private let condition = NSCondition()
    private var directories: [String] = []
    private var chunks: [Work] = []
    private var busy = 0
    private var finished = false
    private var issues: [WalkIssue] = []
    private let cancelled = Atomic<Bool>(false)

    init(root: String, chunkSize: Int, descend: @escaping @Sendable (String) -> Bool, workers: Int) {
        self.root = root
        self.chunkSize = chunkSize
        self.descend = descend
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    func push(_ work: Work) {
        condition.lock()
        if case .directory(let d) = work { directories.append(d) } else { chunks.append(work) }
        condition.signal()
        condition.unlock()
    }

    private func next() -> Work? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if finished { return nil }
            if let c = chunks.popLast() { busy += 1; return c }
            if let d = directories.popLast() { busy += 1; return .directory(d) }
            if busy == 0 {
                finished = true
                condition.broadcast()
                return nil
            }
            condition.wait()
        }
    }

    private func done() {
        condition.lock()
        busy -= 1
        if busy == 0 && chunks.isEmpty && directories.isEmpty {
            finished = true
            condition.broadcast()
        }
        condition.unlock()
    }

    func report(_ issue: WalkIssue) {
        condition.lock()
        issues.append(issue)
        condition.unlock()
    }

    func sortedIssues() -> [WalkIssue] {
        condition.lock()
        defer { condition.unlock() }
        return issues.sorted { $0.path < $1.path }
    }

    /// A worker's loop.
    func work<V: TreeVisitor>(_ visitor: V) {
        while let item = next() {
            switch item {
            case .directory(let rel): list(rel, visitor)
            case .chunk(let dir, let entries): process(dir, entries, visitor)
            }
            done()
        }
    }

    private func process<V: TreeVisitor>(_ dir: WalkDirectory, _ entries: ArraySlice<Listed>, _ visitor: V) {
        for e in entries {
            if isCancelled { break }
            visitor.visit(WalkEntry(directoryFD: dir.fd, directory: dir.relativePath, name: e.name, kind: e.kind,
                                    inode: e.inode), in: dir)
        }
        visitor.finishedChunk(of: dir)
        if dir.finishChunk() { visitor.finishedDirectory(dir) }
    }

    private func join(_ dir: String, _ name: String) -> String { dir.isEmpty ? name : dir + "/" + name }

    /// Reads one directory, queues its subdirectories and its chunks, and visits the first chunk itself.
    private func list<V: TreeVisitor>(_ rel: String, _ visitor: V) {
        let full = rel.isEmpty ? root : root + "/" + rel
        let fd = open(full, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            report(.unreadable(path: rel.isEmpty ? "." : rel, message: String(cString: strerror(errno))))
            return
        }
        let listFD = dup(fd)
        guard listFD >= 0, let dirp = fdopendir(listFD) else {
            report(.unreadable(path: rel.isEmpty ? "." : rel, message: String(cString: strerror(errno))))
            close(fd)
            if listFD >= 0 { close(listFD) }
            return
        }
        var files: [Listed] = []
        while let ent = readdir(dirp) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            var type = Int32(ent.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                type = FileStat.at(fd, name).map { Self.direntType($0) } ?? Int32(DT_UNKNOWN)
            }
            switch type {
            case Int32(DT_REG):
                // The common case builds no path: at hundreds of thousands of files, every allocation shows.
                files.append(Listed(name: name, inode: UInt64(ent.pointee.d_ino), kind: .file))
            case Int32(DT_DIR):
                let path = join(rel, name)
                if descend(path) { push(.directory(path)) }
            case Int32(DT_LNK):
                if symlinkIsFile(fd: fd, directory: rel, name: name) {
                    files.append(Listed(name: name, inode: UInt64(ent.pointee.d_ino), kind: .symlinkToFile))
                }
            default:
                report(.special(path: join(rel, name)))
            }
        }
        closedir(dirp)
        let count = max(1, (files.count + chunkSize - 1) / chunkSize)
        let dir = WalkDirectory(relativePath: rel, fd: fd, chunks: count)
        var start = chunkSize
        while start < files.count {
            push(.chunk(dir, files[start..<min(start + chunkSize, files.count)]))
            start += chunkSize
        }
        process(dir, files[0..<min(chunkSize, files.count)], visitor)
    }

    private static func direntType(_ s: FileStat) -> Int32 {
        if s.isDirectory { return Int32(DT_DIR) }
        if s.isRegularFile { return Int32(DT_REG) }
        if s.isSymlink { return Int32(DT_LNK) }
        return Int32(DT_FIFO)
    }

    /// Decides what a symlink is, reporting the ones that leave the root, dangle or loop.
    private func symlinkIsFile(fd: Int32, directory: String, name: String) -> Bool {
        let path = join(directory, name)
        var buf = [CChar](repeating: 0, count: 4097)
        let n = readlinkat(fd, name, &buf, 4096)
        let target = n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
        let linkPath = root + "/" + path
        guard let real = realpath(linkPath, nil) else {
            if errno == ELOOP { report(.symlinkLoop(path: path, target: target)) }
            else { report(.danglingSymlink(path: path, target: target)) }
            return false
        }
        let resolved = String(cString: real)
        free(real)
        guard Self.isInside(resolved, root) else {
            report(.symlinkOutsideRoot(path: path, target: target))
            return false
        }
        guard let st = FileStat.of(resolved) else {
            report(.danglingSymlink(path: path, target: target))
            return false
        }
        if st.isDirectory {
            let home = directory.isEmpty ? root : root + "/" + directory
            if Self.isInside(home, resolved) { report(.symlinkLoop(path: path, target: target)) }
            return false
        }
        if st.isRegularFile { return true }
        report(.special(path: path))
        return false
    }

    static func isInside(_ path: String, _ base: String) -> Bool {
        path == base || path.hasPrefix(base == "/" ? "/" : base + "/")
    }
}

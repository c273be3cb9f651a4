#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Walks a directory tree with readdir(3) on several worker threads and hands every regular file to a
/// per-worker `TreeVisitor`.
///
/// - Entries stream: a directory's listing is the only thing held, and a directory larger than
///   `chunkSize` is split into chunks that idle workers take, so one huge flat directory still uses every
///   core. Chunks are taken before new directories, which bounds the listings in flight.
/// - Symbolic links are never followed out of the root. A link to a file inside the root is visited as
///   `.symlinkToFile`; a link to a directory is not descended (its target is walked through its real
///   path), and one that points at a directory containing it is reported as a loop.
/// - The walk runs on its own threads, not the cooperative pool, because every step is a blocking system
///   call; cancelling the calling task stops the workers at the next entry.
public struct TreeWalker: Sendable {
    public let root: String
    public var threads: Int
    public var chunkSize: Int
    /// Called with a directory's path relative to the root; false skips it and everything below.
    public var descend: @Sendable (String) -> Bool

    public init(root: String, threads: Int = ProcessInfo.processInfo.activeProcessorCount, chunkSize: Int = 512,
                descend: @escaping @Sendable (String) -> Bool = { _ in true }) {
        self.root = root
        self.threads = max(1, threads)
        self.chunkSize = max(1, chunkSize)
        self.descend = descend
    }

    /// Walks the tree; returns the visitors (one per worker, in worker order) and the issues, sorted.
    public func walk<V: TreeVisitor>(
        makeVisitor: @escaping @Sendable (_ worker: Int) -> V
    ) async throws -> (visitors: [V], issues: [WalkIssue]) {
        guard let real = realpath(root, nil) else {
            throw WalkError(message: "cannot open '\(root)': \(String(cString: strerror(errno)))")
        }
        let rootReal = String(cString: real)
        free(real)
        guard FileStat.of(rootReal)?.isDirectory == true else {
            throw WalkError(message: "'\(root)' is not a directory")
        }
        let run = WalkRun(root: rootReal, chunkSize: chunkSize, descend: descend, workers: threads)
        run.push(.directory(""))
        let finished: [UncheckedBox<V>] = await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<[UncheckedBox<V>], Never>) in
                let collector = Collector<V>(count: threads, continuation: c)
                for index in 0..<threads {
                    let thread = Thread {
                        let visitor = makeVisitor(index)
                        run.work(visitor)
                        collector.add(index, UncheckedBox(value: visitor))
                    }
                    thread.stackSize = 1 << 20
                    thread.start()
                }
            }
        } onCancel: {
            run.cancel()
        }
        try Task.checkCancellation()
        return (finished.map(\.value), run.sortedIssues())
    }
}

public struct WalkError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Moves a worker's visitor back to the caller once its thread has finished with it.
struct UncheckedBox<T>: @unchecked Sendable { let value: T }

/// Gathers the visitors and resumes the caller when the last worker ends.
final class Collector<V>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [UncheckedBox<V>?]
    private var remaining: Int
    private let continuation: CheckedContinuation<[UncheckedBox<V>], Never>

    init(count: Int, continuation: CheckedContinuation<[UncheckedBox<V>], Never>) {
        items = Array(repeating: nil, count: count)
        remaining = count
        self.continuation = continuation
    }

    func add(_ index: Int, _ box: UncheckedBox<V>) {
        lock.lock()
        items[index] = box
        remaining -= 1
        let done = remaining == 0
        lock.unlock()
        if done { continuation.resume(returning: items.map { $0! }) }
    }
}

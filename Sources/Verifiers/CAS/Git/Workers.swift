import Foundation
import Synchronization

/// Runs `body(worker)` on `count` threads and returns when all have finished, without blocking the
/// Swift concurrency pool (verification is long, blocking work). Cancelling the calling task sets
/// `cancelled`, which the bodies poll.
enum Workers {
    static func run(_ count: Int, cancelled: CancelFlag, _ body: @escaping @Sendable (Int) -> Void) async {
        let n = max(1, count)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let remaining = Atomic<Int>(n)
                let done = UncheckedContinuation(c)
                for i in 0..<n {
                    let thread = Thread {
                        body(i)
                        if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 { done.resume() }
                    }
                    thread.stackSize = 1 << 20
                    thread.start()
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }
}

/// Lets the last worker resume the caller.
private struct UncheckedContinuation: @unchecked Sendable {
    let c: CheckedContinuation<Void, Never>
    init(_ c: CheckedContinuation<Void, Never>) { self.c = c }
    func resume() { c.resume() }
}

/// A flag workers poll to stop early.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// Hands out indices 0..<count to workers.
final class WorkCounter: Sendable {
    private let next = Atomic<Int>(0)
    let count: Int
    init(_ count: Int) { self.count = count }

    func take(_ n: Int = 1) -> Range<Int>? {
        let start = next.add(n, ordering: .relaxed).oldValue
        guard start < count else { return nil }
        return start..<min(start + n, count)
    }
}

/// A value filled by one worker per slot and read after all have finished (distinct slots, so no lock).
final class Slots<T>: @unchecked Sendable {
    private let items: UnsafeMutableBufferPointer<T?>
    init(_ n: Int) {
        items = .allocate(capacity: max(n, 1))
        items.initialize(repeating: nil)
    }
    deinit {
        items.deinitialize()
        items.deallocate()
    }
    subscript(_ i: Int) -> T? {
        get { items[i] }
        set { items[i] = newValue }
    }
    var values: [T] { items.compactMap { $0 } }
}

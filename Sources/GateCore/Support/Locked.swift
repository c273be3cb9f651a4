import Foundation

/// A value behind a pthread mutex (NSLock), with the same `withLock` shape as Synchronization.Mutex.
///
/// The scheduler and the process runner use this rather than Mutex because on Linux Mutex waits on a
/// futex through code ThreadSanitizer does not see: `make sanitize` reported races between two accesses
/// that were both inside `withLock`. NSLock is a pthread mutex, which ThreadSanitizer understands, so its
/// reports stay meaningful for the code that matters most.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

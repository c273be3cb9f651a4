import Dispatch
import Foundation
import GateCore

/// Reads and hashes migration files on every core: with 10,000 files, reading and hashing is most of the
/// verifier's time. Results keep the input order, and when several items fail, the first one's error is
/// thrown, so the outcome does not depend on thread timing.
enum ParallelScan {
    static func map<Item: Sendable, T: Sendable>(
        _ items: [Item], _ body: @Sendable (Item) throws(VerifierError) -> T
    ) throws(VerifierError) -> [T] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard items.count >= 256, workers > 1 else {
            var out: [T] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try body(item)) }
            return out
        }
        let slots = Slots<T>(count: items.count)
        let chunk = (items.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in (w * chunk)..<min(items.count, (w + 1) * chunk) {
                do throws(VerifierError) {
                    slots.buffer[i] = .success(try body(items[i]))
                } catch {
                    slots.buffer[i] = .failure(error)
                }
            }
        }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for r in slots.buffer {
            switch r! {
            case .success(let v): out.append(v)
            case .failure(let e): throw e
            }
        }
        return out
    }

    /// One slot per item; each is written by exactly one worker, and read only after all have finished.
    private final class Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Result<T, VerifierError>?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        deinit {
            _ = buffer.deinitialize()
            buffer.deallocate()
        }
    }
}

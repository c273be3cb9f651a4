import Dispatch
import Foundation
import GateCore

/// SIGINT/SIGTERM handling: the first signal calls `onFirst` (stop launching, cancel, write reports);
/// a second one kills every running process group and exits 130 at once.
final class Interrupts: Sendable {
    // Dispatch sources are thread-safe; the type just is not marked Sendable.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    private init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }

    static func install(onFirst: @escaping @Sendable () -> Void) -> Interrupts {
        signal(SIGPIPE, SIG_IGN)
        let counter = Counter()
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                if counter.increment() == 1 {
                    onFirst()
                } else {
                    ProcessGroups.shared.signalAll(SIGKILL)
                    Terminal.resumeWorkflowCommands()
                    Terminal.writeError("\ngate: killed all checks; reports may be incomplete\n")
                    _exit(GateExit.interrupted)
                }
            }
            source.resume()
            sources.append(source)
        }
        return Interrupts(sources)
    }

    func cancel() {
        for s in sources { s.cancel() }
    }

    private final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    }
}

import Synchronization
import GateKit

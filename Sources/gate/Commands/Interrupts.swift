import Dispatch
import Foundation
import GateCore

/// SIGINT, SIGTERM and SIGHUP (a closed terminal, a dropped ssh session) all interrupt a run:
/// - the first calls `onFirst` with the signal (stop launching, cancel, write the reports marked interrupted);
/// - the second kills every check's processes now, without their grace period (`EmergencyStop`), and the
///   run still ends by writing its reports, marked interrupted;
/// - the third kills everything again, sweeps for a second and exits 130 at once: reports not yet written
///   stay as they were (each report file is replaced whole or not at all).
final class Interrupts: Sendable {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    // Dispatch sources are thread-safe; the type just is not marked Sendable.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    private init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }

    static func install(onFirst: @escaping @Sendable (Int32) -> Void,
                        onSecond: @escaping @Sendable () -> Void) -> Interrupts {
        signal(SIGPIPE, SIG_IGN)
        let counter = Counter()
        var sources: [any DispatchSourceSignal] = []
        for sig in signals {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                switch counter.increment() {
                case 1:
                    onFirst(sig)
                case 2:
                    EmergencyStop.trigger()
                    onSecond()
                default:
                    ProcessGroups.shared.emergencyStop()
                    Terminal.resumeWorkflowCommands()
                    Terminal.writeError("\ngate: killed all checks; exiting without finishing the reports\n")
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

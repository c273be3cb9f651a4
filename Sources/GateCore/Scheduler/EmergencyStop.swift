import Synchronization

/// The second interrupt: every check is killed now, without its grace period, and the scheduler stops
/// waiting for verifiers that do not notice cancellation. The run still ends the usual way: every check
/// gets a result and the reports are written, marked interrupted.
public enum EmergencyStop {
    private static let fired = Atomic<Bool>(false)

    public static var isTriggered: Bool { fired.load(ordering: .acquiring) }

    /// Kills every check's process group and cgroup, and cuts every abandon wait short.
    public static func trigger() {
        fired.store(true, ordering: .releasing)
        ProcessGroups.shared.killAll()
    }

    /// Sleeps for `duration`, or until `trigger` is called.
    static func sleep(for duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !isTriggered {
            let left = end - ContinuousClock.now
            if left <= .zero { return }
            try? await Task.sleep(for: min(left, .milliseconds(20)))
        }
    }
}

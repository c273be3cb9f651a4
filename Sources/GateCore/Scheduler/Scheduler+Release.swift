extension Scheduler {
    /// The last step of every executed check, before its result is published (and before dependents look
    /// at it): waivers apply, so that a fully waived check is `waived` and satisfies `needs`; then, under
    /// `--allow-pending-manual`, a pending manual item becomes `skipped` with a warning instead of failing.
    public static func settle(_ result: CheckResult, check: CheckSpec, options: RunOptions) -> CheckResult {
        var r = options.waivers.apply(to: result, checkRoot: check.root)
        if options.allowPendingManual, let item = check.manual, r.status == .failed,
            r.findings.contains(where: { $0.rule == CoreRules.manualPending.id && !$0.waived }) {
            r.status = .skipped
            r.reason = "pending sign-off from '\(item.owner)'; --allow-pending-manual let the run go on without it"
            for i in r.findings.indices where r.findings[i].rule == CoreRules.manualPending.id {
                r.findings[i].severity = .warning
            }
        }
        return r
    }
}

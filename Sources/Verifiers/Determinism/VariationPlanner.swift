import Foundation
import GateCore

/// Builds each run's plan. Run 1 (the control) changes nothing; runs 2...N each apply every requested
/// variation with a value that differs from the control's and from each other's. A bisection run applies
/// only some factors, with the values of the run it bisects, and keeps the control's place for the rest.
struct VariationPlanner: Sendable {
    let variations: [Variation]
    let facts: MachineFacts
    let environment: [String: String]

    /// Far-off POSIX time zones; glibc understands these rules without tzdata.
    static let zones = [("GATE-14", "UTC+14"), ("GATE+12", "UTC-12"), ("GATE-5:45", "UTC+5:45")]
    static let clockShiftDays = 373

    /// The check's own runs.
    func plan(run index: Int, runDirectory: String) -> RunPlan {
        plan(run: index, runDirectory: runDirectory, only: nil, valueRun: index)
    }

    /// A run that varies only the factors in `only` (all requested ones when nil; none is the control's
    /// conditions again), with the values run `valueRun` had.
    func plan(run index: Int, runDirectory: String, only: Set<Factor>?, valueRun: Int) -> RunPlan {
        var plan = RunPlan(index: index, environment: environment, isolatedTree: variations.contains(.path),
                           hostname: facts.hostname)
        plan.factors = only.map { $0.sorted() }
        let controlDirectory = PathUtil.dirname(runDirectory) + "/run-1"
        pin(&plan)
        let varies = { (v: Variation) in index > 1 && (only == nil || only!.contains { $0.variation == v }) }
        if plan.isolatedTree && !varies(.path) && index > 1 { plan.treePath = controlDirectory + "/tree" }
        if variations.contains(.fileOrder), facts.disorderfs != nil {
            plan.orderMount = orderMount(varied: false, j: 0, runDirectory: varies(.path) ? runDirectory : controlDirectory)
        }
        guard index > 1 else { return plan }
        let j = valueRun - 2
        for v in variations.sorted() where varies(v) {
            plan.variations.append(apply(v, j: j, runDirectory: runDirectory, parts: only.map { Set($0.compactMap(\.part)) }, to: &plan))
        }
        finish(&plan)
        return plan
    }

    /// Settings every run shares so that a variation is the only difference: Python and Perl randomise
    /// their hash seeds per process unless told otherwise, which would make every run differ.
    private func pin(_ plan: inout RunPlan) {
        guard variations.contains(.random) else { return }
        for key in ["PYTHONHASHSEED", "PERL_HASH_SEED"] where environment[key] == nil {
            plan.environment[key] = "0"
            plan.pinned.append("\(key)=0")
        }
    }

    /// LD_PRELOAD: libfaketime and the shim first, then whatever the environment preloads already.
    private func finish(_ plan: inout RunPlan) {
        guard !plan.preload.isEmpty else { return }
        let existing = environment["LD_PRELOAD"].map { [$0] } ?? []
        plan.environment["LD_PRELOAD"] = (plan.preload + existing).joined(separator: ":")
    }

    /// The disorderfs mount: in the run's own directory when the run varies the build path, else in the
    /// control's (or beside the working directory's runs), so that the path is the same as the control's.
    func orderMount(varied: Bool, j: Int, runDirectory: String) -> RunPlan.OrderMount? {
        guard let disorderfs = facts.disorderfs, let fusermount = facts.fusermount else { return nil }
        let mountPoint = variations.contains(.path) ? runDirectory + "/fs" : PathUtil.dirname(runDirectory) + "/fs"
        let options = !varied ? ["--shuffle-dirents=no", "--reverse-dirents=no"]
            : j == 0 ? ["--shuffle-dirents=no", "--reverse-dirents=yes"] : ["--shuffle-dirents=yes", "--reverse-dirents=no"]
        return RunPlan.OrderMount(disorderfs: disorderfs, fusermount: fusermount, mountPoint: mountPoint, options: options)
    }

    /// Another user or group id than `id`, for the user variation.
    static func otherID(_ id: UInt32, j: Int) -> UInt32 {
        let candidate = UInt32(4242 + j)
        return candidate == id ? candidate + 100 : candidate
    }

    /// Another locale than the control's, preferring ones that format numbers and dates differently.
    func pickLocale(_ j: Int) -> (locale: String, note: String) {
        let control = environment["LC_ALL"] ?? environment["LC_CTYPE"] ?? environment["LANG"] ?? "C"
        let plain: Set<String> = ["C", "POSIX", "C.utf8", "C.UTF-8"]
        let preferred = ["de_DE", "fr_FR", "tr_TR", "es_ES", "en_US"]
        let real = facts.locales.filter { !plain.contains($0) && $0 != control }
        let ranked = preferred.flatMap { p in real.filter { $0.hasPrefix(p) && $0.lowercased().hasSuffix("utf8") } }
            + real.filter { $0.lowercased().hasSuffix("utf8") }
        if !ranked.isEmpty { return (ranked[j % ranked.count], "") }
        let fallback = control.hasPrefix("C.") ? "C" : "C.UTF-8"
        return (fallback, "; only C locales are installed (add 'locales-all' for a stronger variation)")
    }
}

extension String {
    func leftPad(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

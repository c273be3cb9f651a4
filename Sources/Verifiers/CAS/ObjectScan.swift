import ContentHash
import GateCore
import Synchronization

/// Counts verified objects across workers and reports progress now and then.
final class ScanProgress: Sendable {
    private let count = Atomic<Int>(0)
    private let sink: @Sendable (String) -> Void

    init(sink: @escaping @Sendable (String) -> Void) { self.sink = sink }

    func add(_ n: Int) {
        guard n > 0 else { return }
        let before = count.add(n, ordering: .relaxed).oldValue
        if before / 16_384 != (before + n) / 16_384 { sink("verified \(Self.grouped(before + n)) objects") }
    }

    static func grouped(_ n: Int) -> String { NumberText.grouped(n) }
}

/// The merged result of a parallel scan.
struct ScanResult {
    /// Within the check's limits: a store can hold a million corrupt objects.
    var findings = FindingCollector()
    var objects = 0
    var bytes: Int64 = 0
    var bytesHashed: Int64 = 0
    var skippedByCache = 0
    var sampledOut = 0
    var collected: [ScannedObject] = []
    var seenReferenced: Set<String> = []
    var cacheNote: String?
    /// The walk root relative to the check root, to turn `collected` paths into report paths.
    var prefix = ""
}

/// Runs a `ScanPlan`: loads the stat cache, walks and verifies in parallel, saves the changed cache rows.
enum ObjectScan {
    static func run(_ plan: ScanPlan, context: CheckContext, digestLength: Int) async throws -> ScanResult {
        var cache: StatCacheDB?
        var old: [String: [UInt8]] = [:]
        var result = ScanResult()
        result.prefix = plan.prefix
        if plan.useCache {
            do {
                let scope = "1|\(plan.walkRoot)|\(plan.prefix)|\(digestLength)"
                let db = try StatCacheDB(stateDirectory: context.stateDirectory, scope: scope)
                old = try db.load()
                cache = db
                result.cacheNote = db.database.recoveryNote
            } catch {
                // The cache only saves time: verify everything rather than fail the check.
                result.cacheNote = "stat cache unavailable (\(error)); verified without it"
            }
        }
        var effective = plan
        effective.useCache = cache != nil
        let progress = ScanProgress(sink: { context.progress($0) })
        let frozenPlan = effective
        let segments = old
        let walker = TreeWalker(root: plan.walkRoot, threads: plan.threads, descend: plan.descend)
        let (visitors, issues) = try await walker.walk { _ in
            let v = ScanVisitor(plan: frozenPlan, oldSegments: segments, digestLength: digestLength, progress: progress)
            v.findings = FindingCollector(context)
            return v
        }
        var changed: [String: [UInt8]] = [:]
        var finished: Set<String> = []
        for v in visitors {
            result.findings.merge(v.findings)
            result.objects += v.objects
            result.bytes += v.bytes
            result.bytesHashed += v.bytesHashed
            result.skippedByCache += v.skippedByCache
            result.sampledOut += v.sampledOut
            result.collected += v.collected
            result.seenReferenced.formUnion(v.seenReferenced)
            changed.merge(v.changedSegments) { a, _ in a }
            finished.formUnion(v.finishedDirectories)
        }
        result.findings += issues.map { CASFindings.symlink($0, prefix: plan.prefix) }
        result.collected.sort { $0.path < $1.path }
        if let cache {
            let removed = old.keys.filter { !finished.contains($0) } + changed.filter { $0.value.isEmpty }.map(\.key)
            do {
                try cache.save(changed: changed.filter { !$0.value.isEmpty }, removed: removed)
            } catch {
                result.cacheNote = "could not save the stat cache: \(error)"
            }
        }
        return result
    }
}

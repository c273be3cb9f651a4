import Dispatch
import GateCore

/// One pass over a ledger: the source is read in chunks of whole lines, a batch of chunks is checked on
/// every core (parse, canonicalise, hash, in-chunk links), and the results go through `ChainStage` in
/// order. Memory holds one batch at a time, whatever the ledger's size.
struct LedgerScan {
    var settings: CheckSettings
    var threads: Int
    var source: any LedgerSource
    var captures: Set<Int> = []
    var rootSizes: Set<Int> = []
    var leafIndices: Set<Int> = []
    var chunkBytes = 4 << 20
    var progress: (@Sendable (String) -> Void)?

    func run(resume: ResumeState? = nil) throws -> ScanOutcome {
        var stage = ChainStage(settings: settings, resume: resume, captures: captures, rootSizes: rootSizes,
                               leafIndices: leafIndices)
        let settings = self.settings
        var batches = 0
        try source.read(from: resume?.point, chunkBytes: chunkBytes, maxRecordBytes: settings.maxRecordBytes,
                        batch: max(2, threads * 2)) { chunks in
            if Task.isCancelled { throw CancellationError() }
            let results = Self.check(chunks, settings: settings, threads: threads)
            for (chunk, result) in zip(chunks, results) where !stage.absorb(chunk, result) { return false }
            batches += 1
            if batches % 16 == 0 { progress?("\(stage.outcome.records.grouped) records checked") }
            return true
        }
        return stage.finish()
    }

    /// Checks chunks in parallel; results keep the chunks' order.
    static func check(_ chunks: [LineChunk], settings: CheckSettings, threads: Int) -> [ChunkResult] {
        if chunks.count == 1 || threads == 1 {
            var checker = RecordChecker(settings)
            return chunks.map { checker.check($0) }
        }
        let slots = Slots(count: chunks.count)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            var checker = RecordChecker(settings)
            slots.buffer[i] = checker.check(chunks[i])
        }
        return slots.buffer.map { $0! }
    }

    /// One result slot per chunk; each is written by exactly one worker and read after all have finished.
    private final class Slots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<ChunkResult?>

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

extension Int {
    /// `1,234,567`, for summaries and progress.
    var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}

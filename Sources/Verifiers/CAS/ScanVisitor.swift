import ContentHash
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// Verifies the objects one worker is handed. Everything here is owned by one thread: the read buffer,
/// the zlib stream, the counters and the findings; `ObjectScan` merges the workers' results afterwards.
final class ScanVisitor: TreeVisitor {
    let plan: ScanPlan
    let oldSegments: [String: [UInt8]]
    let digestLength: Int
    let progress: ScanProgress
    let hasher = FileHasher()

    /// This worker's findings, within the check's limits (`ObjectScan` gives it the check's collector).
    var findings = FindingCollector()
    var objects = 0
    var bytes: Int64 = 0
    var bytesHashed: Int64 = 0
    var skippedByCache = 0
    var sampledOut = 0
    var collected: [ScannedObject] = []
    var seenReferenced: Set<String> = []
    var changedSegments: [String: [UInt8]] = [:]
    var finishedDirectories: [String] = []

    /// New or changed records of the current chunk, and the old records (by index) that were hits: a hit
    /// is kept by reference, so an unchanged directory copies and sorts nothing.
    private var pending: [UInt8] = []
    private var pendingHits: [Int32] = []
    /// The directory of the last lookup, held strongly (a weak load per object showed in profiles); it is
    /// replaced by the next directory this worker visits.
    private var currentDirectory: WalkDirectory?
    private var currentState: DirectoryCacheState?
    private var unreported = 0

    init(plan: ScanPlan, oldSegments: [String: [UInt8]], digestLength: Int, progress: ScanProgress) {
        self.plan = plan
        self.oldSegments = oldSegments
        self.digestLength = digestLength
        self.progress = progress
    }

    func visit(_ entry: WalkEntry, in directory: WalkDirectory) {
        // The report path is built only when something needs it: at hundreds of thousands of objects per
        // second, every string allocation on the common path shows.
        switch plan.classify(entry.directory, entry.name) {
        case .ignore:
            return
        case .badName(let reason):
            findings.append(CASFindings.badName(path: plan.reportPath(entry.path), reason: reason))
        case .partialWrite:
            findings.append(CASFindings.partialWrite(path: plan.reportPath(entry.path)))
        case .unlisted:
            findings.append(CASFindings.orphan(path: plan.reportPath(entry.path), reason: "no checksum manifest entry lists it"))
        case .object(let expected, let method):
            verify(entry, directory, expected: expected, method: method)
        }
    }

    private func verify(_ entry: WalkEntry, _ directory: WalkDirectory, expected: String?, method: HashMethod) {
        objects += 1
        unreported += 1
        if unreported >= 2048 { progress.add(unreported); unreported = 0 }
        let follow = entry.kind == .symlinkToFile
        let state = plan.useCache ? cacheState(directory) : nil
        let nameHash = plan.useCache ? ContentHash.xxh3_64(entry.name) : 0
        if let state, !plan.full, let old = state.old, let st = FileStat.at(entry.directoryFD, entry.name, followSymlinks: follow),
            let i = old.find(inode: st.inode, nameHash: nameHash), old.matches(i, st) {
            let digest = old.digest(i)
            let mine = digest.prefix(method.algorithm.digestLength)
            if expected.map({ HexText.equal(mine, $0) }) ?? true {
                skippedByCache += 1
                bytes += st.size
                pendingHits.append(Int32(i))
                verified(entry, expected: expected, actual: Hex.encode(mine), size: Int(st.size), valid: true)
                return
            }
        }
        if plan.sampleBasisPoints < 10_000 && !plan.full
            && Int(ContentHash.xxh3_64(plan.reportPath(entry.path)) % 10_000) >= plan.sampleBasisPoints {
            sampledOut += 1
            return
        }
        let outcome: HashOutcome
        do {
            outcome = try hash(entry, method: method)
        } catch {
            let path = plan.reportPath(entry.path)
            switch error {
            case .io(_, let code):
                findings.append(CASFindings.unreadable(path: path, reason: "'\(path)': \(String(cString: strerror(code)))"))
            case .changed:
                findings.append(CASFindings.unreadable(path: path, reason: "'\(path)' changed while it was being hashed; "
                    + "run the check again once writers are done"))
            }
            return
        }
        bytes += Int64(outcome.size)
        bytesHashed += Int64(outcome.hashedBytes)
        var valid = true
        if let want = expected, !HexText.equal(outcome.actual.bytes, want) {
            findings.append(CASFindings.hashMismatch(path: plan.reportPath(entry.path), expected: want, actual: outcome.actual.hex,
                                                     algorithm: method.algorithm))
            valid = false
        }
        if valid, state != nil, let st = outcome.stat {
            CacheSegment.append(to: &pending, nameHash: nameHash, stat: st, digest: outcome.actual.bytes,
                                length: digestLength)
        }
        verified(entry, expected: expected, actual: outcome.actual.hex, size: outcome.size, valid: valid)
    }

    /// Errors carry the bare file name; the caller reports the full path.
    private func hash(_ entry: WalkEntry, method: HashMethod) throws(FileHasher.Failure) -> HashOutcome {
        let path = entry.name
        switch method {
        case .content(let algorithm):
            let (r, st) = try hasher.hash(at: entry.directoryFD, name: entry.name, path: path, algorithm: algorithm)
            return HashOutcome(actual: r.digest, size: r.size, hashedBytes: r.size, stat: st)
        }
    }

    private func verified(_ entry: WalkEntry, expected: String?, actual: @autoclosure () -> String, size: Int,
                          valid: Bool) {
        if plan.collect {
            collected.append(ScannedObject(path: entry.path, digest: expected ?? actual(), size: size, valid: valid))
        }
        if let referenced = plan.referenced {
            let name = expected ?? actual()
            if referenced.contains(name) {
                seenReferenced.insert(name)
            } else {
                findings.append(CASFindings.orphan(path: plan.reportPath(entry.path), reason: "no manifest references it"))
            }
        }
    }

    private func cacheState(_ directory: WalkDirectory) -> DirectoryCacheState {
        if let current = currentDirectory, current === directory, let s = currentState { return s }
        let old = oldSegments[directory.relativePath]
        let length = digestLength
        let state = directory.withState { slot -> DirectoryCacheState in
            if let s = slot as? DirectoryCacheState { return s }
            let s = DirectoryCacheState(old: old.map { CacheSegment(bytes: $0, digestLength: length) })
            slot = s
            return s
        }
        currentDirectory = directory
        currentState = state
        return state
    }

    func finishedChunk(of directory: WalkDirectory) {
        guard plan.useCache else { return }
        let records = pending, hits = pendingHits
        pending.removeAll(keepingCapacity: true)
        pendingHits.removeAll(keepingCapacity: true)
        directory.withState { slot in
            if let s = slot as? DirectoryCacheState {
                s.fresh.append(contentsOf: records)
                s.hits.append(contentsOf: hits)
            } else if !records.isEmpty {
                let s = DirectoryCacheState(old: nil)
                s.fresh = records
                slot = s
            }
        }
    }

    func finishedDirectory(_ directory: WalkDirectory) {
        progress.add(unreported)
        unreported = 0
        if currentDirectory === directory {
            currentDirectory = nil
            currentState = nil
        }
        guard plan.useCache else { return }
        let rel = directory.relativePath
        finishedDirectories.append(rel)
        let state = directory.withState { slot in slot as? DirectoryCacheState }
        // Every old record a hit and nothing new: the directory's row stands as it is.
        if let state, state.fresh.isEmpty, let old = state.old, state.hits.count == old.count, old.count > 0 { return }
        var fresh = state?.fresh ?? []
        if let state, let old = state.old {
            for i in state.hits { fresh.append(contentsOf: old.record(Int(i))) }
        }
        let packed = CacheSegment.pack(fresh, recordSize: CacheSegment.header + digestLength)
        if packed != (oldSegments[rel] ?? []) { changedSegments[rel] = packed }
    }
}

/// What hashing one object produced.
struct HashOutcome {
    var actual: Digest
    var size: Int
    var hashedBytes: Int
    /// The stat taken from the open file before reading it (nil when not worth caching).
    var stat: FileStat?
}

/// Compares digest bytes with lowercase hex without building a string.
enum HexText {
    static func equal(_ bytes: ArraySlice<UInt8>, _ hex: String) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var h = hex
            return h.withUTF8 { t in
                guard t.count == b.count * 2 else { return false }
                for i in 0..<b.count where nibble(t[2 * i]) != b[i] >> 4 || nibble(t[2 * i + 1]) != b[i] & 0x0f {
                    return false
                }
                return true
            }
        }
    }

    static func equal(_ bytes: [UInt8], _ hex: String) -> Bool { equal(bytes[...], hex) }

    private static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        default: 0xff
        }
    }
}

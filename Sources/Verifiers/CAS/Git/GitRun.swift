import ContentHash
import Foundation
import GateCore

/// One verification of one repository: the sources (packs and loose objects of every objects
/// directory), then connectivity, then the checks that need everything read.
struct GitRun {
    let repo: GitRepository
    let options: GitCheckOptions
    let display: @Sendable (String) -> String
    let cache: GitGraphCache?
    let full: Bool

    private(set) var pairs: [GitPackDirectory.Pair] = []
    private(set) var sources: [ObjectSource] = []
    private(set) var findings: [Finding] = []
    private(set) var notes: [String] = []
    private(set) var cacheKeys: Set<String> = []
    private var objects = 0
    private var skipped = 0
    private var bytes: Int64 = 0
    private var bytesHashed: Int64 = 0
    private var collected: [ScannedObject] = []
    private var gitmodules = Set<[UInt8]>()
    private var gitattributes = Set<[UInt8]>()
    private var packDirectories: [GitPackDirectory] = []
    private var connectivity: Connectivity?
    /// The pack indexes that parsed, by idx path.
    private var indexes: [String: PackIndex] = [:]
    let reader: ObjectReader

    init(repo: GitRepository, options: GitCheckOptions, display: @escaping @Sendable (String) -> String, cache: GitGraphCache?,
         full: Bool) {
        self.repo = repo
        self.options = options
        self.display = display
        self.cache = cache
        self.full = full
        reader = ObjectReader(looseDirectories: repo.objectDirs, algorithm: repo.algorithm)
    }

    /// What the cached findings depend on besides the files themselves.
    static func settingsFingerprint(repo: GitRepository, strict: Bool,
                                    settings: (overrides: [FsckID: FsckLevel], skipList: String?, unknown: [String]),
                                    skip: ObjectIDs?) -> String {
        let overrides = settings.overrides.map { "\($0.key.rawValue)=\($0.value.rawValue)" }.sorted().joined(separator: ",")
        let skipHash = skip.map { ContentHash.hash(UnsafeRawBufferPointer(start: $0.storage.base, count: $0.storage.count), .xxh3_64).hex } ?? "-"
        return "\(repo.algorithm.rawValue)|strict=\(strict)|\(overrides)|skip=\(skipHash)"
    }

    mutating func verifyObjects() async throws {
        var opened: [(PackVerifier.Opened, GitPackDirectory.Pair, isMain: Bool)] = []
        var looseSets: [(LooseObjects, isMain: Bool)] = []
        for (d, dir) in repo.objectDirs.enumerated() {
            let packs = GitPackDirectory(objects: dir, display: display)
            findings += packs.findings
            packDirectories.append(packs)
            for pair in packs.pairs {
                let o = PackVerifier.open(idxPath: pair.idx, packPath: pair.pack, promisor: pair.promisor, display: display,
                                          algorithm: repo.algorithm)
                if let index = o.index, let file = o.file { reader.add(index: index, file: file) }
                if let index = o.index { indexes[pair.idx] = index }
                opened.append((o, pair, d == 0))
                pairs.append(pair)
            }
            let loose = LooseObjects(directory: dir, width: repo.width, display: display)
            findings += loose.listingFindings
            looseSets.append((loose, d == 0))
        }
        let reader = self.reader
        for (o, pair, isMain) in opened {
            if options.cancelled.isSet { throw CancellationError() }
            let result = await verifyPack(o, pair: pair)
            findings += result.findings
            objects += result.objects
            bytes += result.bytes
            bytesHashed += result.bytesHashed
            gitmodules.formUnion(chunks(result.gitmodules))
            gitattributes.formUnion(chunks(result.gitattributes))
            if let graph = result.graph, let index = result.index {
                let shown = o.shownPack
                sources.append(ObjectSource(ids: .pack(index), graph: graph, promisor: pair.promisor && repo.promisorRemote != nil,
                                            location: { _ in shown }))
            }
            if isMain {
                let rel = "pack/" + PathUtil.basename(pair.pack)
                collected.append(ScannedObject(path: rel, digest: result.packChecksum, size: 0, valid: result.graph != nil))
                collected.append(ScannedObject(path: "pack/" + PathUtil.basename(pair.idx), digest: result.idxChecksum, size: 0,
                                               valid: true))
            }
        }
        _ = reader
        for (loose, isMain) in looseSets where loose.count > 0 {
            if options.cancelled.isSet { throw CancellationError() }
            let result = await verifyLoose(loose)
            findings += result.findings
            objects += result.objects
            skipped += result.skipped
            bytes += result.bytes
            bytesHashed += result.bytesHashed
            gitmodules.formUnion(chunks(result.gitmodules))
            gitattributes.formUnion(chunks(result.gitattributes))
            let shown = display
            sources.append(ObjectSource(ids: .list(loose.ids), graph: result.graph, promisor: false,
                                        location: { shown(loose.path($0)) }))
            if isMain {
                for i in 0..<loose.count {
                    collected.append(ScannedObject(path: loose.names[i], digest: loose.ids.hex(i), size: 0,
                                                   valid: result.graph.states[i] != 0))
                }
            }
        }
        if options.cancelled.isSet { throw CancellationError() }
        notes.insert("\(pairs.count) pack\(pairs.count == 1 ? "" : "s")", at: 0)
        if repo.promisorRemote == nil && pairs.contains(where: \.promisor) {
            notes.append("'.promisor' packs but no promisor remote configured (remote.<name>.promisor): like git, their missing objects count as missing")
        }
    }

    private func chunks(_ flat: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: flat.count, by: repo.width).map { Array(flat[$0..<($0 + repo.width)]) }
    }

    private mutating func verifyPack(_ o: PackVerifier.Opened, pair: GitPackDirectory.Pair) async -> PackResult {
        let reader = self.reader
        var key: String?
        if let cache, let index = o.index, let file = o.file, let idxStat = index.file.stat {
            let k = GitGraphCache.key(pack: file.stat, idx: idxStat, idxChecksum: o.idxChecksum, settings: cache.settings)
            key = k
            cacheKeys.insert(pair.name)
            if !full, let hit = cache.loadPack(name: pair.name, key: k, width: repo.width), hit.graph.count == index.count {
                var r = PackResult(graph: hit.graph, index: index)
                r.findings = hit.findings
                r.bytes = Int64(file.size + o.idxBytes)
                r.gitmodules = hit.gitmodules
                r.gitattributes = hit.gitattributes
                r.packChecksum = Hex.encode(index.packChecksum)
                r.idxChecksum = o.idxChecksum
                skipped += hit.objects
                options.progress(hit.objects)
                return r
            }
        }
        let result = await PackVerifier.verify(o, options: options, external: { reader.read($0) })
        if let cache, let key, !options.cancelled.isSet, result.graph != nil {
            cache.savePack(name: pair.name, key: key, result: result)
        }
        return result
    }

    private func verifyLoose(_ loose: LooseObjects) async -> LooseResult {
        let width = repo.width
        let old = (cache != nil && !full) ? cache!.loadLoose(objects: loose.directory, width: width) : [:]
        let records: [GitGraphCache.LooseRecord?] = old.isEmpty ? [] : (0..<loose.count).map { old[loose.ids.id($0)] }
        let result = await LooseVerifier.verify(loose, display: display, options: options) { i, st, sink in
            guard i < records.count, let r = records[i], r.stat.device == st.device, r.stat.inode == st.inode,
                  r.stat.size == st.size, r.stat.mtimeNs == st.mtimeNs, r.stat.ctimeNs == st.ctimeNs else { return nil }
            sink.reset()
            for (type, id) in r.edges { id.withUnsafeBytes { sink.edge($0.baseAddress!, type) } }
            return r.state
        }
        if let cache, !options.cancelled.isSet {
            var fresh: [([UInt8], GitGraphCache.LooseRecord)] = []
            let g = result.graph
            for i in 0..<loose.count {
                guard let st = result.stats[i], g.states[i] != 0 else { continue }
                var edges: [(GitType, [UInt8])] = []
                for e in g.edgeRange(i) {
                    let word = g.edge(e)
                    let index = Int(word & SourceGraph.indexMask)
                    let target = word & SourceGraph.external != 0 ? Array(g.externalID(index)) : loose.ids.id(index)
                    edges.append((SourceGraph.expected(word) ?? .blob, target))
                }
                fresh.append((loose.ids.id(i), GitGraphCache.LooseRecord(stat: st, state: g.states[i], edges: edges)))
            }
            let unchanged = fresh.count == old.count && fresh.allSatisfy { id, rec in
                old[id].map { $0.stat == rec.stat || ($0.stat.inode == rec.stat.inode && $0.stat.mtimeNs == rec.stat.mtimeNs
                    && $0.stat.ctimeNs == rec.stat.ctimeNs && $0.stat.size == rec.stat.size && $0.stat.device == rec.stat.device) } ?? false
            }
            if !unchanged { cache.saveLoose(objects: loose.directory, records: fresh) }
        }
        return result
    }

    /// Connectivity from the heads, then git's dangling objects.
    mutating func connect(heads: [GitHead], dangling: Bool) -> [Finding] {
        let c = Connectivity(sources: sources, width: repo.width, shallow: repo.shallowCommits(), grafts: repo.grafts())
        c.markUsed()
        let describe: (Int) -> String = { g in "\(c.type(g)?.name ?? "object") \(c.table.ids.hex(g))" }
        let location: (Int) -> String = { g in c.sources[Int(c.table.source[g])].location(Int(c.table.position[g])) }
        c.walk(heads, describe: describe, location: location)
        var out = c.findings
        let missing = c.missing.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for (id, entry) in missing.prefix(Self.maxListed) {
            let hex = Hex.encode(id)
            let referrers = entry.referrers.map(describe).sorted()
            out.append(GitFindings.missing(id: hex, type: entry.type, referrers: Array(referrers.prefix(3)),
                                           more: max(0, referrers.count - 3), path: display(repo.objects + "/" + hex.prefix(2) + "/" + hex.dropFirst(2))))
        }
        if missing.count > Self.maxListed {
            out.append(Finding(rule: "cas/missing-object", message: "\(missing.count - Self.maxListed) more missing objects are not listed",
                               path: display(repo.objects), identity: "missing-more", help: GitFindings.restore))
        }
        let loose = c.dangling()
        if dangling {
            for g in loose.prefix(Self.maxListed) {
                out.append(GitFindings.dangling(id: c.table.ids.hex(g), type: c.type(g) ?? .blob, path: location(g)))
            }
            if loose.count > Self.maxListed {
                out.append(Finding(rule: "cas/orphan", severity: .warning,
                                   message: "\(loose.count - Self.maxListed) more dangling objects are not listed",
                                   path: display(repo.objects), identity: "dangling-more"))
            }
        }
        if c.promisedMissing > 0 {
            let remote = repo.promisorRemote.map { "'\($0)'" } ?? "its promisor remote"
            out.append(Finding(rule: "cas/missing-object", severity: .warning,
                               message: "a partial clone: \(ScanProgress.grouped(c.promisedMissing)) objects that promisor packs refer to are not here; git fetches them from \(remote) on demand, so they are not corruption",
                               path: display(repo.objects), identity: "promisor",
                               evidence: ["promisorRemote": repo.promisorRemote ?? "", "count": String(c.promisedMissing)],
                               help: "Nothing to do; 'git fetch --refetch' or 'git rev-list --objects --all --missing=print' lists them."))
        }
        var counts = [GitType: Int]()
        for g in 0..<c.table.count { if let t = c.type(g) { counts[t, default: 0] += 1 } }
        let byType = GitType.allCases.compactMap { t in counts[t].map { "\(ScanProgress.grouped($0)) \(t.name)s" } }
        if !byType.isEmpty { notes.append(byType.joined(separator: ", ")) }  // none read: no empty note ("1 pack; ; ...")
        if c.danglingCount > 0 || c.unreachableCount > 0 {
            notes.append("\(ScanProgress.grouped(c.unreachableCount)) unreachable, \(ScanProgress.grouped(c.danglingCount)) dangling")
        }
        connectivity = c
        return out
    }

    static let maxListed = 1000

    /// `.gitmodules` and `.gitattributes` blobs (git's `fsck_finish`).
    func specialBlobs() -> [Finding] {
        guard !gitmodules.isEmpty || !gitattributes.isEmpty else { return [] }
        let c = connectivity
        let repo = self.repo
        let display = self.display
        return SpecialBlobs.check(gitmodules: gitmodules, gitattributes: gitattributes, reader: reader, levels: options.levels,
                                  skip: options.skip,
                                  promised: { id in c.map { $0.isPromised($0.table.ids.find(id), id) } ?? false },
                                  location: { id in
                                      if let c, let g = c.table.ids.find(id) {
                                          return c.sources[Int(c.table.source[g])].location(Int(c.table.position[g]))
                                      }
                                      let hex = Hex.encode(id)
                                      return display(repo.objects + "/" + hex.prefix(2) + "/" + hex.dropFirst(2))
                                  })
    }

    /// `.rev`, `.bitmap`, multi-pack-index and commit-graph files.
    mutating func auxiliary() -> [Finding] {
        var out: [Finding] = []
        for (d, dir) in packDirectories.enumerated() {
            var aux = GitAuxFiles(objects: repo.objectDirs[d], algorithm: repo.algorithm, display: display)
            out += aux.check(dir, indexes: indexes, connectivity: connectivity)
            notes += aux.notes
        }
        return out
    }

    func scanResult(prefix: String) -> ScanResult {
        var s = ScanResult()
        s.objects = objects + skipped
        s.skippedByCache = skipped
        s.bytes = bytes
        s.bytesHashed = bytesHashed
        s.collected = collected.sorted { $0.path < $1.path }
        s.prefix = prefix
        return s
    }
}

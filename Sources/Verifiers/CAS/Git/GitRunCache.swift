import ContentHash
import Foundation
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// The whole-run stat cache: when nothing a verification depends on has changed since the last one, its
/// outcome stands and no object, pack graph or connectivity is computed again.
///
/// The fingerprint covers every input of the verdict: each pack's and idx's device, inode, size, mtime
/// and ctime and the checksum the idx ends with; every loose object's name and stat; every head (refs,
/// HEAD, reflog entries, index entries, with the files they came from); the repository's config,
/// `shallow`, `info/grafts` and alternates; the stats of `.rev`, `.bitmap`, multi-pack-index and
/// commit-graph files; and the check's settings. Anything else changed, and the per-pack and per-object
/// caches take over.
enum RunFingerprint {
    static func compute(repo: GitRepository, heads: [GitHead], headFindings: [Finding], settings: String) -> String {
        let h = StreamingHasher(.xxh3_128)
        func add(_ s: String) { h.update(s); h.update([0]) }
        func stat(_ path: String) {
            if let st = FileStat.of(path) {
                add("\(path)|\(st.device)|\(st.inode)|\(st.size)|\(st.mtimeNs)|\(st.ctimeNs)")
            } else {
                add("\(path)|absent")
            }
        }
        add("gate-git-run-1|" + settings)
        for file in ["config", "shallow", "info/grafts"] { stat(repo.commonDir + "/" + file) }
        for dir in repo.objectDirs {
            add("objects|" + dir)
            stat(dir + "/info/alternates")
            stat(dir + "/info/commit-graph")
            stat(dir + "/info/commit-graphs/commit-graph-chain")
            for name in LooseObjects.list(dir + "/info/commit-graphs") ?? [] { stat(dir + "/info/commit-graphs/" + name) }
            for name in LooseObjects.list(dir + "/pack") ?? [] {
                let path = dir + "/pack/" + name
                stat(path)
                if name.hasSuffix(".idx") { add(trailer(path)) }
            }
            for a in 0..<256 {
                let sub = String(format: "%02x", a)
                guard let names = LooseObjects.list(dir + "/" + sub) else { continue }
                for name in names { stat(dir + "/" + sub + "/" + name) }
            }
        }
        for head in heads { add("\(head.kind)|\(head.name)|\(Hex.encode(head.id))|\(head.path)") }
        for f in headFindings { add("finding|\(f.rule)|\(f.message)") }
        return h.finalize().hex
    }

    /// The last bytes of a file (an idx's checksums), read without reading the file.
    private static func trailer(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "unreadable" }
        defer { close(fd) }
        guard let st = FileStat.of(fd: fd), st.size >= 64 else { return "short" }
        var b = [UInt8](repeating: 0, count: 64)
        let n = b.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 64, off_t(st.size - 64)) }
        return n == 64 ? Hex.encode(b) : "unreadable"
    }
}

/// What a whole run produced, as the run cache keeps it.
struct RunRecord: Codable {
    var fingerprint: String
    var findings: [Finding]
    var notes: [String]
    var objects: Int
    var bytes: Int64
}

extension GitGraphCache {
    var runFile: String { directory + "/run.json" }

    func loadRun(_ fingerprint: String) -> RunRecord? {
        guard let data = FileManager.default.contents(atPath: runFile),
              let record = try? JSONDecoder().decode(RunRecord.self, from: data), record.fingerprint == fingerprint else { return nil }
        return record
    }

    func saveRun(_ record: RunRecord) {
        guard let data = try? JSONEncoder().encode(record) else { return }
        try? AtomicFile.write(data, to: runFile, durable: false)
    }

    func forgetRun() { unlink(runFile) }
}

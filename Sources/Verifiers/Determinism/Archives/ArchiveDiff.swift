import ContentHash
import Foundation
import GateCore

/// Opens two versions of an output layer by layer (gzip, bzip2, xz and zstd streams; tar, zip and ar
/// archives, so wheels, jars, .deb and .rlib too) and finds where they differ at the innermost level:
/// `dist/x.tar.gz › x/PKG-INFO` with the unpacked pair for a line diff, or the header field that differs.
///
/// Bounded: at most `maxDepth` layers, `limit` bytes unpacked per stream or member (a zip bomb stops
/// there, and the report says so), a fixed number of members unpacked per comparison, and member lists
/// capped. Zip members are compared by their CRC-32 and size first, so only differing ones are inflated.
final class ArchiveDiff {
    let limit: Int
    let maxDepth: Int
    /// Where unpacked pairs go (`<artifacts>/inside/<output>/`); the lead pair stays for inspection.
    let scratch: String
    static let maxUnpacked = 24
    static let maxMembers = 100_000
    static let maxDifferences = 64

    var differences: [InnerDifference] = []
    var notes: [String] = []
    var layers: [String] = []
    private var unpacked = 0

    init(limit: Int, maxDepth: Int, scratch: String) {
        self.limit = limit
        self.maxDepth = maxDepth
        self.scratch = scratch
    }

    /// nil when the output is not an archive or compressed stream (or nothing inside differs).
    func run(_ a: String, _ b: String, name: String) -> ArchiveReport? {
        guard maxDepth > 0 else { return nil }
        try? FileManager.default.removeItem(atPath: scratch)
        guard compare(a, b, path: [], name: name, depth: 0) else { return nil }
        let ordered = differences.enumerated().sorted { x, y in
            (x.element.kind, -x.element.path.count, x.offset) < (y.element.kind, -y.element.path.count, y.offset)
        }.map(\.element)
        // Keep only the lead pair's unpacked files.
        let keep = Set([ordered.first?.fileA, ordered.first?.fileB].compactMap { $0 })
        if let files = FileManager.default.enumerator(atPath: scratch) {
            for case let f as String in files where !keep.contains(scratch + "/" + f) && !FileInfo.isDirectory(scratch + "/" + f) {
                unlink(scratch + "/" + f)
            }
        }
        return ordered.isEmpty && notes.isEmpty ? nil : ArchiveReport(differences: ordered, notes: notes, layers: layers)
    }

    /// Compares one layer; false when `a` is not an archive or stream (the caller compares the bytes).
    func compare(_ a: String, _ b: String, path: [String], name: String, depth: Int) -> Bool {
        guard let fa = ArchiveFormat.sniff(ByteCompare.bytes(a, at: 0, count: 512)) else { return false }
        let fb = ArchiveFormat.sniff(ByteCompare.bytes(b, at: 0, count: 512))
        guard fa == fb else {
            add(InnerDifference(kind: .field, path: path, format: fa.rawValue, field: "format", valueA: fa.rawValue, valueB: fb?.rawValue ?? "not an archive"))
            return true
        }
        guard depth < maxDepth else {
            notes.append("stopped at \(maxDepth) nested layers ('archive-depth') inside \(([name] + path).joined(separator: " › "))")
            return false
        }
        if depth == layers.count { layers.append(ArchiveFormat.kindName(fa, name: name)) }
        do {
            switch fa {
            case .gzip, .bzip2, .xz, .zstd: try stream(fa, a, b, path: path, name: name, depth: depth)
            case .tar, .ar: try members(fa, a, b, path: path, depth: depth)
            case .zip: try zipEntries(a, b, path: path, depth: depth)
            }
        } catch {
            notes.append("could not read \(fa.rawValue) \(([name] + path).joined(separator: " › ")): \(error)")
            // The output itself: the caller still compares its bytes, and the note says why it looked no deeper.
            return depth == 0 || !differences.isEmpty
        }
        return true
    }

    func add(_ d: InnerDifference) {
        if differences.count < Self.maxDifferences { differences.append(d) }
    }

    /// A compressed stream: its header fields, then what it holds.
    private func stream(_ f: ArchiveFormat, _ a: String, _ b: String, path: [String], name: String, depth: Int) throws {
        let ha = StreamHeaders.fields(f, path: a), hb = StreamHeaders.fields(f, path: b)
        var headerDiffers = false
        // The block count is how the content was cut, not a header setting: it only explains a stream
        // whose content is the same.
        for (x, y) in Swift.zip(ha, hb) where x.name == y.name && x.value != y.value && x.name != "blocks" {
            headerDiffers = true
            add(InnerDifference(kind: .header, path: path, format: f.rawValue, field: x.name, valueA: x.value, valueB: y.value))
        }
        guard let ua = try unpack(a, label: "stream", member: nil), let ub = try unpack(b, label: "stream", member: nil) else { return }
        if ua.digest == ub.digest && (ua.truncated || ub.truncated) {
            add(InnerDifference(kind: .content, path: path, format: f.rawValue, note: "past the first \(limit >> 20) MiB, which are the same"))
            return
        }
        if ua.digest == ub.digest {
            if !headerDiffers {
                let blocks = Swift.zip(ha, hb).first { $0.0.name == "blocks" && $0.0.value != $0.1.value }
                add(InnerDifference(kind: .compression, path: path, format: f.rawValue,
                                    note: blocks.map { "\($0.0.value) vs \($0.1.value) blocks: multithreaded compression splits by thread count" }
                                        ?? "another level, thread count or compressor"))
            }
            return
        }
        let fname = ha.first { $0.name == "FNAME" }?.value
        let inner = fname.flatMap { $0.hasPrefix("'") ? String($0.dropFirst().dropLast()) : nil } ?? Self.stripExtension(name)
        if !compare(ua.path, ub.path, path: path, name: inner, depth: depth + 1) {
            add(InnerDifference(kind: .content, path: path + [inner], format: f.rawValue, fileA: ua.path, fileB: ub.path))
        }
    }

    /// `x.tar.gz` holds `x.tar`; `data.json.zst` holds `data.json`.
    static func stripExtension(_ name: String) -> String {
        let base = PathUtil.basename(name)
        for ext in [".gz", ".tgz", ".bz2", ".xz", ".zst", ".zstd", ".txz", ".tbz2"] where base.hasSuffix(ext) {
            let stem = String(base.dropLast(ext.count))
            return ext.hasPrefix(".t") && ext.count <= 5 ? stem + ".tar" : stem
        }
        return base + " (decompressed)"
    }

    struct Unpacked {
        var path: String
        var digest: Digest
        /// Cut at `limit`: equal digests then say nothing about the rest.
        var truncated: Bool
    }

    /// Unpacks a stream (`member` nil) or one archive member (by its position) into the scratch directory,
    /// at most `limit` bytes; nil (with a note) past the unpack budget.
    func unpack(_ source: String, label: String, member: Int?) throws -> Unpacked? {
        guard unpacked < Self.maxUnpacked else {
            if !notes.contains(where: { $0.hasPrefix("unpacked the most members") }) {
                notes.append("unpacked the most members one comparison may (\(Self.maxUnpacked)); further differences are not opened")
            }
            return nil
        }
        unpacked += 1
        let reader = try ArchiveReader(path: source, kind: member == nil ? .raw : .archive)
        var index = 0
        guard (try reader.next()) != nil else { throw ArchiveReader.Failure(description: "empty stream") }
        if let member {
            while index < member {
                guard (try reader.next()) != nil else { throw ArchiveReader.Failure(description: "member \(member) is missing") }
                index += 1
            }
        }
        let path = scratch + "/\(unpacked)-\(label.isEmpty ? "data" : PathUtil.basename(label))"
        try? AtomicFile.makeDirectory(scratch)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StreamCopy.Failure("write", path) }
        defer { close(fd) }
        let hasher = StreamingHasher(StreamCopy.algorithm)
        var written = 0
        var cut = false
        try reader.read { chunk in
            let take = min(chunk.count, limit - written)
            let part = UnsafeRawBufferPointer(rebasing: chunk[0..<take])
            hasher.update(part)
            var offset = 0
            while offset < take {
                let n = write(fd, part.baseAddress! + offset, take - offset)
                if n <= 0 { if errno == EINTR { continue }; throw StreamCopy.Failure("write", path) }
                offset += n
            }
            written += take
            if take < chunk.count { cut = true }
            return !cut
        }
        if cut {
            notes.append("'\(label)' unpacks to more than \(limit >> 20) MiB ('archive-limit'); compared its first \(limit >> 20) MiB")
        }
        return Unpacked(path: path, digest: hasher.finalize(), truncated: cut)
    }
}

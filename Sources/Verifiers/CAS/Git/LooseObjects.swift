import ContentHash
import Foundation
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// The loose objects of one objects directory (`objects/<2 hex>/<rest>`), listed, then inflated, hashed
/// and parsed on every worker. Other files in the fan-out directories are what git's fsck calls "bad sha1
/// file" (it prints a line and goes on): warnings here, as are `tmp_obj_*` files an interrupted write left.
final class LooseObjects: @unchecked Sendable {
    let directory: String
    let width: Int
    /// Sorted ids and, by the same position, the file names (`ab/cdef...`).
    private(set) var ids: ObjectIDs
    private(set) var names: [String] = []
    private(set) var listingFindings: [Finding] = []

    init(directory: String, width: Int, display: (String) -> String) {
        self.directory = directory
        self.width = width
        var flat: [UInt8] = []
        var found: [([UInt8], String)] = []
        var findings: [Finding] = []
        let hexChars = Array("0123456789abcdef".utf8)
        for a in hexChars {
            for b in hexChars {
                let dir = String(decoding: [a, b], as: UTF8.self)
                guard let entries = Self.list(directory + "/" + dir) else { continue }
                for name in entries {
                    let rel = dir + "/" + name
                    if name.count == 2 * width - 2, StoreNames.isHex(name, count: 2 * width - 2),
                       let id = GitHex.decode(Substring(dir + name), width: width) {
                        found.append((id, rel))
                    } else if name.hasPrefix("tmp_obj_") || StoreNames.isTemporary(name) {
                        var f = CASFindings.partialWrite(path: display(directory + "/" + rel))
                        f.severity = .warning
                        f.message += " (git ignores it; 'git gc' removes it after two weeks)"
                        findings.append(f)
                    } else {
                        var f = CASFindings.badName(path: display(directory + "/" + rel),
                                                    reason: "not a loose object name (git fsck: 'bad sha1 file', not an error)")
                        f.severity = .warning
                        findings.append(f)
                    }
                }
            }
        }
        found.sort { $0.0.lexicographicallyPrecedes($1.0) }
        for (id, _) in found { flat += id }
        ids = ObjectIDs(width: width, sorted: flat)
        names = found.map(\.1)
        listingFindings = findings
    }

    var count: Int { names.count }

    static func list(_ dir: String) -> [String]? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            out.append(name)
        }
        return out.sorted()
    }

    func path(_ i: Int) -> String { directory + "/" + names[i] }
}

/// Reads one loose object: inflates it, checks git's header (`parse_loose_header`: a known type, a
/// canonical size, a NUL) and that nothing follows the zlib stream, hashes it, and keeps the content of
/// commits, trees and tags for parsing (blobs are hashed as they inflate and never held whole).
final class LooseReader {
    private let inflater = Inflater()
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
    private var content: [UInt8] = []

    deinit {
        input.deallocate()
        scratch.deallocate()
    }

    enum Outcome {
        case object(GitType, content: [UInt8]?, size: Int, digest: [UInt8], stat: FileStat?)
        /// The header names more than `limit` bytes: not inflated further.
        case tooLarge(size: Int)
        case corrupt(String, stat: FileStat?)
        case unreadable(String)
    }

    /// `limit`: the largest object to read whole; a larger one is `tooLarge` from its header, as git's
    /// `oid_object_info` has the size before any content is inflated.
    func read(_ path: String, algorithm: HashAlgorithm, keepBlobs: Bool = false, limit: Int = .max) -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        let st = FileStat.of(fd: fd)
        return read(fd: fd, stat: st, algorithm: algorithm, keepBlobs: keepBlobs, limit: limit)
    }

    func read(fd: Int32, stat st: FileStat?, algorithm: HashAlgorithm, keepBlobs: Bool = false, limit: Int = .max) -> Outcome {
        let hasher = StreamingHasher(algorithm)
        var header: [UInt8] = []
        var parsed: (GitType?, String, Int)?
        var received = 0
        content.removeAll(keepingCapacity: true)
        var headerProblem: String?
        let produced: Int
        do {
            (produced, _) = try inflater.stream(read: { (buf: UnsafeMutableRawBufferPointer) throws(GitReadError) -> Int in
                while true {
                    let n = Glibc.read(fd, buf.baseAddress, buf.count)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { throw GitReadError(path: "", errno: errno) }
                    return n
                }
            }, into: scratch, input: input, sink: { chunk in
                hasher.update(chunk)
                var rest = chunk
                if parsed == nil {
                    if let nul = chunk.firstIndex(of: 0) {
                        header += chunk[..<nul]
                        rest = UnsafeRawBufferPointer(rebasing: chunk[(nul + 1)...])
                        guard let h = Self.parseHeader(header) else {
                            headerProblem = "its header '\(String(decoding: header.prefix(40), as: UTF8.self))' is not '<type> <size>'"
                            return false
                        }
                        parsed = h
                        if h.2 > limit { return false }
                        if (h.0 != .blob || keepBlobs) && h.0 != nil { content.reserveCapacity(min(h.2, 64 << 20)) }
                    } else {
                        header += chunk
                        if header.count > 64 { headerProblem = "it has no object header"; return false }
                        return true
                    }
                }
                received += rest.count
                if let p = parsed, p.0 != .blob || keepBlobs, p.0 != nil {
                    if received > p.2 { return false }
                    content.append(contentsOf: rest)
                }
                return true
            })
        } catch {
            if let headerProblem { return .corrupt(headerProblem, stat: st) }
            if let size = parsed?.2, size > limit { return .tooLarge(size: size) }
            switch error {
            case .zlib(let z): return .corrupt(z.description, stat: st)
            case .read(let r): return .unreadable(r.reason)
            case .stopped: return .corrupt("it inflates to more than its header says", stat: st)
            case .trailing: return .corrupt("bytes follow its zlib stream (git: 'garbage at end of loose object')", stat: st)
            }
        }
        _ = produced
        guard let (type, typeName, size) = parsed else { return .corrupt("it has no object header", stat: st) }
        guard let type else { return .corrupt("its type '\(typeName)' is not a git object type (git: 'object is of unknown type')", stat: st) }
        guard received == size else {
            return .corrupt("it inflates to \(received) bytes of content, not the \(size) its header says", stat: st)
        }
        return .object(type, content: type == .blob && !keepBlobs ? nil : content, size: size, digest: hasher.finalize().bytes,
                       stat: st)
    }

    /// `parse_loose_header`: the type is anything up to a space; the size is canonical decimal.
    static func parseHeader(_ h: [UInt8]) -> (GitType?, String, Int)? {
        guard let space = h.firstIndex(of: 0x20) else { return nil }
        let typeName = String(decoding: h[..<space], as: UTF8.self)
        let digits = h[(space + 1)...]
        guard let first = digits.first, first >= 0x30 && first <= 0x39 else { return nil }
        if first == 0x30 && digits.count > 1 { return nil }
        var size = 0
        for c in digits {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            let (m, o1) = size.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c - 0x30))
            guard !o1 && !o2 else { return nil }
            size = s
        }
        return (GitType(name: typeName), typeName, size)
    }
}

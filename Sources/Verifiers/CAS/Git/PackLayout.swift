import ContentHash
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// A pack's objects in pack order, with what their headers say: the first of the two passes over a
/// pack. Entry `k` is the k-th object by offset; `order[k]` is its position in the idx.
///
/// The pass reads the pack front to back in large pieces on every worker (each takes a range of
/// entries), checks each entry's CRC-32 against the idx, and records each entry's type and, for deltas,
/// its base: another entry (by offset or by id), or an id outside the pack (a thin pack).
final class PackLayout: @unchecked Sendable {
    static let noBase = UInt32.max
    static let externalBase = UInt32.max - 1

    let index: PackIndex
    let pack: PackFile
    let count: Int
    let width: Int
    /// By entry: offset, idx position, header type, base entry.
    private(set) var offsets: [UInt64] = []
    private(set) var order: [UInt32] = []
    private(set) var positionToEntry: [UInt32] = []
    let kinds: UnsafeMutableBufferPointer<UInt8>
    let bases: UnsafeMutableBufferPointer<UInt32>
    /// Thin-pack deltas: (entry, base id) whose base is not in this pack.
    private(set) var externalDeltas: [(entry: Int, base: [UInt8])] = []

    init(index: PackIndex, pack: PackFile) {
        self.index = index
        self.pack = pack
        count = index.count
        width = index.width
        kinds = .allocate(capacity: max(count, 1))
        kinds.initialize(repeating: 0)
        bases = .allocate(capacity: max(count, 1))
        bases.initialize(repeating: Self.noBase)
    }

    deinit {
        kinds.deallocate()
        bases.deallocate()
    }

    /// Where entry `k` ends: the next entry's offset, or the trailer.
    @inline(__always)
    func end(_ k: Int) -> Int { k + 1 < count ? Int(offsets[k + 1]) : pack.size - width }

    /// Sorts the idx entries by offset and checks that they tile the pack: the first right after the
    /// header, none twice, none inside the trailer. A problem here makes the idx unusable for this pack.
    func orderByOffset() -> String? {
        let n = count
        var keys = [UInt64](repeating: 0, count: n)
        var compact = pack.size < (1 << 35) && n < (1 << 28)
        for i in 0..<n where compact {
            // The idx's offsets are not checked yet: one past 2^35 (a 64-bit one of 2^63, say) would lose its
            // top bits in the key and be reported at offset 0.
            let o = index.offset(i)
            if o < 1 << 35 { keys[i] = o << 28 | UInt64(i) } else { compact = false }
        }
        if compact {
            keys.sort()
            offsets = keys.map { $0 >> 28 }
            order = keys.map { UInt32($0 & ((1 << 28) - 1)) }
        } else {
            var pairs = (0..<n).map { (index.offset($0), UInt32($0)) }
            pairs.sort { $0.0 < $1.0 }
            offsets = pairs.map(\.0)
            order = pairs.map(\.1)
        }
        positionToEntry = [UInt32](repeating: 0, count: n)
        for k in 0..<n { positionToEntry[Int(order[k])] = UInt32(k) }
        let limit = UInt64(pack.size - width)
        if n > 0 && offsets[0] != 12 {
            return offsets[0] < 12 ? "names an object at offset \(offsets[0]), inside the pack header"
                : "leaves bytes 12..<\(offsets[0]) of the pack unaccounted for (objects the idx does not list)"
        }
        for k in 0..<n {
            if offsets[k] >= limit {
                return "names object \(index.hex(Int(order[k]))) at offset \(offsets[k]), past the end of the pack's objects (\(limit))"
            }
            if k > 0 && offsets[k] == offsets[k - 1] {
                return "names two objects at offset \(offsets[k]) (\(index.hex(Int(order[k - 1]))) and \(index.hex(Int(order[k]))))"
            }
        }
        return nil
    }

    /// The entry at pack offset `o`, by binary search.
    func entry(at o: UInt64) -> Int? {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if offsets[mid] < o { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && offsets[lo] == o ? lo : nil
    }

    /// The first pass over entries `range`; findings go to `findings`, thin-pack deltas to `external`.
    func scan(_ range: Range<Int>, buffer: ScratchBuffer, findings: inout [Finding], display: String,
              external: inout [(entry: Int, base: [UInt8])], algorithm: HashAlgorithm) {
        let window = 4 << 20
        var winStart = 0, winEnd = 0
        let base = buffer.reserve(window)
        guard !range.isEmpty else { return }
        let rangeEnd = end(range.upperBound - 1)
        for k in range {
            let start = Int(offsets[k]), stop = end(k)
            let pos = Int(order[k])
            let length = stop - start
            var crc: UInt32 = 0
            var head = [UInt8](repeating: 0, count: min(length, 32 + width))
            do throws(GitReadError) {
                if length <= window {
                    if start < winStart || stop > winEnd {
                        winStart = start
                        winEnd = min(rangeEnd, start + window)
                        try pack.read(winStart, winEnd - winStart, into: base)
                    }
                    let entry = UnsafeRawBufferPointer(start: base + (start - winStart), count: length)
                    crc = CRC32.of(entry)
                    for i in 0..<head.count { head[i] = entry[i] }
                } else {
                    var done = 0
                    while done < length {
                        let n = min(window, length - done)
                        try pack.read(start + done, n, into: base)
                        if done == 0 { for i in 0..<head.count { head[i] = base.load(fromByteOffset: i, as: UInt8.self) } }
                        crc = CRC32.of(UnsafeRawBufferPointer(start: base, count: n), continuing: crc)
                        done += n
                    }
                    winStart = 0
                    winEnd = 0
                }
            } catch {
                findings.append(GitFindings.pack(path: display, problem: "cannot be read: \(error.reason)", rule: "cas/unreadable"))
                return
            }
            if let want = index.crc(pos), want != crc {
                findings.append(GitFindings.corrupt(path: display, id: index.hex(pos), type: nil, offset: start,
                    problem: "its bytes have CRC-32 \(hex32(crc)), but the idx records \(hex32(want)) (git: 'index CRC mismatch')",
                    algorithm: algorithm))
            }
            let parsed = head.withUnsafeBytes { b -> Result<PackEntryHeader, PackEntryHeader.Problem> in
                do throws(PackEntryHeader.Problem) {
                    return .success(try PackEntryHeader.parse(b, offset: UInt64(start), width: width))
                } catch {
                    return .failure(error)
                }
            }
            let header: PackEntryHeader
            switch parsed {
            case .success(let h): header = h
            case .failure(let error):
                findings.append(GitFindings.corrupt(path: display, id: index.hex(pos), type: nil, offset: start,
                                                    problem: error.description, algorithm: algorithm))
                continue
            }
            kinds[k] = header.type
            switch header.type {
            case GitType.ofsDelta:
                if let b = entry(at: header.baseOffset) {
                    bases[k] = UInt32(b)
                } else {
                    findings.append(GitFindings.corrupt(path: display, id: index.hex(pos), type: nil, offset: start,
                        problem: "it is a delta against offset \(header.baseOffset), where no object starts", algorithm: algorithm))
                    kinds[k] = 0
                }
            case GitType.refDelta:
                let found: Int? = head.withUnsafeBytes { index.find($0.baseAddress! + header.baseIDAt) }
                if let p = found {
                    bases[k] = positionToEntry[p]
                } else {
                    bases[k] = Self.externalBase
                    external.append((k, Array(head[header.baseIDAt..<(header.baseIDAt + width)])))
                }
            default:
                break
            }
        }
    }

    func setExternalDeltas(_ list: [(entry: Int, base: [UInt8])]) { externalDeltas = list }

    private func hex32(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

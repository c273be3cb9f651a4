/// Git's object types as packs number them (`object.h`: 1 commit, 2 tree, 3 blob, 4 tag, 6 and 7 deltas).
enum GitType: UInt8, Sendable, CaseIterable {
    case commit = 1, tree = 2, blob = 3, tag = 4

    var name: String {
        switch self {
        case .commit: "commit"
        case .tree: "tree"
        case .blob: "blob"
        case .tag: "tag"
        }
    }

    init?(name: some StringProtocol) {
        switch name {
        case "commit": self = .commit
        case "tree": self = .tree
        case "blob": self = .blob
        case "tag": self = .tag
        default: return nil
        }
    }

    static let ofsDelta: UInt8 = 6
    static let refDelta: UInt8 = 7

    /// "commit" for 1, "an unknown type" otherwise (for messages about raw bytes).
    static func describe(_ raw: UInt8) -> String { GitType(rawValue: raw)?.name ?? "an object of unknown type \(raw)" }
}

/// One object's header in a pack: the type, the inflated size, and for deltas where the base is.
struct PackEntryHeader: Sendable {
    var type: UInt8
    var size: Int
    /// Bytes of header (type and size, plus the base offset or base id of a delta).
    var length: Int
    /// OFS_DELTA: the base's offset in the pack.
    var baseOffset: UInt64 = 0
    /// REF_DELTA: where the base id starts (relative to the entry).
    var baseIDAt: Int = 0

    var isDelta: Bool { type == GitType.ofsDelta || type == GitType.refDelta }

    enum Problem: Error, Sendable, CustomStringConvertible {
        case truncated, badType(UInt8), sizeOverflow, badBaseOffset(UInt64), sizeBeyondCompressed(declared: Int, compressed: Int)
        var description: String {
            switch self {
            case .truncated: "the object header is cut off"
            case .badType(let t): "the object header names type \(t), which is not a git object type"
            case .sizeOverflow: "the object header's size does not fit 64 bits"
            case .badBaseOffset(let o): "the delta's base offset points outside the pack (\(o) bytes back)"
            case .sizeBeyondCompressed(let d, let c):
                "the object header says it inflates to \(d) bytes, more than its \(c) compressed bytes can hold (zlib "
                    + "compresses 1032:1 at most)"
            }
        }
    }

    /// Checks the declared size against the entry's compressed bytes (`entryLength` is the whole entry,
    /// header included) before memory is set aside for the inflated object. Deflate cannot do better than
    /// 1032:1 (zlib's manual, on the maximum compression ratio: a length code of one bit and a distance code
    /// of one bit for every 258 bytes), so a larger size means a corrupt header; in a test, one flipped
    /// bit made gate ask for 21 TB and abort.
    func checkSize(entryLength: Int) throws(Problem) {
        let compressed = max(entryLength - length, 0)
        let (most, overflow) = compressed.multipliedReportingOverflow(by: 1032)
        guard overflow || size <= most else { throw .sizeBeyondCompressed(declared: size, compressed: compressed) }
    }

    /// Parses the header at the start of `b`, for an entry that starts at `offset` in the pack
    /// (`unpack_object_header_buffer` and `get_delta_base` in git's packfile.c).
    static func parse(_ b: UnsafeRawBufferPointer, offset: UInt64, width: Int) throws(Problem) -> PackEntryHeader {
        guard b.count > 0 else { throw .truncated }
        var c = b[0]
        let type = (c >> 4) & 7
        var size = UInt64(c & 15)
        var shift: UInt64 = 4
        var i = 1
        while c & 0x80 != 0 {
            guard i < b.count else { throw .truncated }
            guard shift < 64 - 7 else { throw .sizeOverflow }
            c = b[i]
            i += 1
            size |= UInt64(c & 0x7f) << shift
            shift += 7
        }
        guard size <= UInt64(Int.max) else { throw .sizeOverflow }
        var header = PackEntryHeader(type: type, size: Int(size), length: i)
        switch type {
        case 1, 2, 3, 4:
            break
        case GitType.ofsDelta:
            guard i < b.count else { throw .truncated }
            c = b[i]
            i += 1
            var back = UInt64(c & 0x7f)
            while c & 0x80 != 0 {
                guard i < b.count else { throw .truncated }
                guard back < (UInt64.max >> 8) else { throw .badBaseOffset(back) }
                c = b[i]
                i += 1
                back = ((back + 1) << 7) | UInt64(c & 0x7f)
            }
            guard back > 0, back < offset else { throw .badBaseOffset(back) }
            header.baseOffset = offset - back
            header.length = i
        case GitType.refDelta:
            guard i + width <= b.count else { throw .truncated }
            header.baseIDAt = i
            header.length = i + width
        default:
            throw .badType(type)
        }
        return header
    }
}

import CLZMA
import CZlib
import CZstd
import Foundation

/// The header fields of a compressed stream, in the order a reader meets them, decoded by each format's
/// own library: zlib's inflateGetHeader for gzip (RFC 1952: MTIME, XFL, OS, FNAME, FCOMMENT), liblzma
/// for xz (the check type, and the block count from the index: `xz -T` splits into more blocks),
/// libzstd for zstd frames. bzip2's only header field is its block size digit.
enum StreamHeaders {
    typealias Fields = [(name: String, value: String)]

    static func fields(_ format: ArchiveFormat, path: String) -> Fields {
        switch format {
        case .gzip: gzip(path)
        case .xz: xz(path)
        case .zstd: zstd(path)
        case .bzip2: bzip2(path)
        default: []
        }
    }

    private static func gzip(_ path: String) -> Fields {
        var input = ByteCompare.bytes(path, at: 0, count: 64 * 1024)
        guard !input.isEmpty else { return [] }
        // zlib keeps pointers to the stream and the header between calls: give it stable memory.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        let head = UnsafeMutablePointer<gz_header>.allocate(capacity: 1)
        let name = UnsafeMutablePointer<UInt8>.allocate(capacity: 1024), comment = UnsafeMutablePointer<UInt8>.allocate(capacity: 1024)
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 16 * 1024)
        defer { stream.deallocate(); head.deallocate(); name.deallocate(); comment.deallocate(); out.deallocate() }
        stream.initialize(to: z_stream())
        head.initialize(to: gz_header())
        name.initialize(repeating: 0, count: 1024)
        comment.initialize(repeating: 0, count: 1024)
        head.pointee.name = name
        head.pointee.name_max = 1023
        head.pointee.comment = comment
        head.pointee.comm_max = 1023
        guard inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { inflateEnd(stream) }
        guard inflateGetHeader(stream, head) == Z_OK else { return [] }
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.pointee.next_in = inBuffer.baseAddress
            stream.pointee.avail_in = UInt32(inBuffer.count)
            // The header is complete once inflate has moved past it.
            while head.pointee.done == 0 {
                stream.pointee.next_out = out
                stream.pointee.avail_out = 16 * 1024
                if inflate(stream, Z_NO_FLUSH) != Z_OK || stream.pointee.avail_in == 0 { break }
            }
            stream.pointee.next_in = nil
        }
        let h = head.pointee
        guard h.done != 0 else { return [] }
        let mtime = h.time == 0 ? "0 (unset)" : "\(h.time) (\(TimeText.utc(Int(h.time))))"
        return [
            ("MTIME", mtime), ("XFL", xfl(h.xflags)), ("OS", os(h.os)),
            ("FNAME", name[0] != 0 ? "'" + String(cString: name) + "'" : "(none)"),
            ("FCOMMENT", comment[0] != 0 ? "'" + String(cString: comment) + "'" : "(none)"),
            ("FEXTRA", h.extra_len > 0 ? "\(h.extra_len) bytes" : "(none)"),
        ]
    }

    private static func xfl(_ v: Int32) -> String {
        switch v { case 2: "2 (best compression)"; case 4: "4 (fastest)"; default: String(v) }
    }

    /// RFC 1952's operating system codes.
    private static func os(_ v: Int32) -> String {
        let names = [0: "FAT", 3: "Unix", 7: "Macintosh", 10: "TOPS-20", 11: "NTFS", 255: "unknown"]
        return "\(v)" + (names[Int(v)].map { " (\($0))" } ?? "")
    }

    private static func xz(_ path: String) -> Fields {
        let head = ByteCompare.bytes(path, at: 0, count: Int(LZMA_STREAM_HEADER_SIZE))
        guard head.count == Int(LZMA_STREAM_HEADER_SIZE) else { return [] }
        var flags = lzma_stream_flags()
        guard lzma_stream_header_decode(&flags, head) == LZMA_OK else { return [] }
        var f: Fields = [("check", check(flags.check))]
        // The index at the end counts the blocks: multithreaded xz (-T) cuts the input into several.
        let size = FileInfo.size(path) ?? 0
        let footer = ByteCompare.bytes(path, at: size - Int(LZMA_STREAM_HEADER_SIZE), count: Int(LZMA_STREAM_HEADER_SIZE))
        var footFlags = lzma_stream_flags()
        if footer.count == Int(LZMA_STREAM_HEADER_SIZE), lzma_stream_footer_decode(&footFlags, footer) == LZMA_OK,
           footFlags.backward_size > 0, footFlags.backward_size <= 16 << 20 {
            let length = Int(footFlags.backward_size)
            let raw = ByteCompare.bytes(path, at: size - Int(LZMA_STREAM_HEADER_SIZE) - length, count: length)
            var index: OpaquePointer?
            var memlimit: UInt64 = 64 << 20
            var position = 0
            if raw.count == length, lzma_index_buffer_decode(&index, &memlimit, nil, raw, &position, raw.count) == LZMA_OK, let index {
                f.append(("blocks", String(lzma_index_block_count(index))))
                lzma_index_end(index, nil)
            }
        }
        return f
    }

    private static func check(_ c: lzma_check) -> String {
        switch c {
        case LZMA_CHECK_NONE: "none"
        case LZMA_CHECK_CRC32: "CRC32"
        case LZMA_CHECK_CRC64: "CRC64"
        case LZMA_CHECK_SHA256: "SHA-256"
        default: "type \(c.rawValue)"
        }
    }

    private static func zstd(_ path: String) -> Fields {
        let head = ByteCompare.bytes(path, at: 0, count: 32)
        var h = ZSTD_frameHeader()
        guard !head.isEmpty, ZSTD_getFrameHeader(&h, head, head.count) == 0 else { return [] }
        let size = h.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN ? "not stored" : String(h.frameContentSize)
        return [("content size", size), ("window", "\(h.windowSize) bytes"), ("checksum", h.checksumFlag != 0 ? "yes" : "no"),
                ("dictionary", h.dictID == 0 ? "none" : String(h.dictID))]
    }

    private static func bzip2(_ path: String) -> Fields {
        let head = ByteCompare.bytes(path, at: 0, count: 4)
        guard head.count == 4 else { return [] }
        return [("block size", "\(Character(UnicodeScalar(head[3])))00k (bzip2 -\(Character(UnicodeScalar(head[3]))))")]
    }
}

import CArchive
import Foundation

/// A member of a tar, ar or zip archive as libarchive reads it.
struct ArchiveMember: Sendable {
    var name: String
    /// "file", "directory", "symlink", "hardlink", ...
    var type: String
    var mode: UInt32
    var uid: Int64
    var gid: Int64
    var uname: String?
    var gname: String?
    /// Seconds and nanoseconds since 1970; nil when the format stores none.
    var mtime: (Int, Int)?
    var atime: (Int, Int)?
    var ctime: (Int, Int)?
    var size: Int64
    var link: String?
    /// libarchive's name for the member's format ("POSIX pax interchange format", "ZIP 2.0 (deflation)").
    var format: String
}

/// Reads archives through libarchive, one member at a time, never holding a member whole. Used for tar
/// (every dialect), ar (GNU and BSD, so static libraries, .deb and Rust .rlib), zip members' data, and
/// the gzip, bzip2, xz and zstd filters (libarchive links zlib, libbz2, liblzma and libzstd).
final class ArchiveReader {
    enum Kind { case archive, raw }

    private let handle: OpaquePointer
    private var entry: OpaquePointer?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(path: String, kind: Kind) throws {
        guard let a = archive_read_new() else { throw Failure(description: "libarchive could not start") }
        handle = a
        archive_read_support_filter_all(a)
        switch kind {
        case .archive:
            archive_read_support_format_tar(a)
            archive_read_support_format_gnutar(a)
            archive_read_support_format_ar(a)
            archive_read_support_format_zip_seekable(a)
        case .raw:
            archive_read_support_format_raw(a)
        }
        guard archive_read_open_filename(a, path, 64 * 1024) == ARCHIVE_OK else {
            let why = Self.error(a)
            archive_read_free(a)
            throw Failure(description: why)
        }
    }

    deinit { archive_read_free(handle) }

    private static func error(_ a: OpaquePointer) -> String {
        archive_error_string(a).map { String(cString: $0) } ?? "unreadable archive"
    }

    /// The next member's header, or nil at the end.
    func next() throws -> ArchiveMember? {
        var e: OpaquePointer?
        let r = archive_read_next_header(handle, &e)
        if r == ARCHIVE_EOF { return nil }
        guard r >= ARCHIVE_WARN, let e else { throw Failure(description: Self.error(handle)) }
        entry = e
        func text(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        func time(_ set: Int32, _ s: Int, _ ns: Int) -> (Int, Int)? { set != 0 ? (s, ns) : nil }
        let mode = UInt32(archive_entry_mode(e))
        return ArchiveMember(
            name: text(archive_entry_pathname_utf8(e)) ?? text(archive_entry_pathname(e)) ?? "",
            type: Self.typeName(mode), mode: mode & 0o7777,
            uid: archive_entry_uid(e), gid: archive_entry_gid(e),
            uname: text(archive_entry_uname_utf8(e)) ?? text(archive_entry_uname(e)),
            gname: text(archive_entry_gname_utf8(e)) ?? text(archive_entry_gname(e)),
            mtime: time(archive_entry_mtime_is_set(e), Int(archive_entry_mtime(e)), Int(archive_entry_mtime_nsec(e))),
            atime: time(archive_entry_atime_is_set(e), Int(archive_entry_atime(e)), Int(archive_entry_atime_nsec(e))),
            ctime: time(archive_entry_ctime_is_set(e), Int(archive_entry_ctime(e)), Int(archive_entry_ctime_nsec(e))),
            size: archive_entry_size(e),
            link: text(archive_entry_symlink_utf8(e)) ?? text(archive_entry_hardlink_utf8(e)),
            format: text(archive_format_name(handle)) ?? "")
    }

    /// Streams the current member's data to `body` in chunks; `body` returns false to stop early.
    /// Returns the bytes read.
    @discardableResult
    func read(_ body: (UnsafeRawBufferPointer) throws -> Bool) throws -> Int {
        let size = 256 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let n = archive_read_data(handle, buffer, size)
            if n == 0 { return total }
            guard n > 0 else { throw Failure(description: Self.error(handle)) }
            total += n
            if try !body(UnsafeRawBufferPointer(start: buffer, count: n)) { return total }
        }
    }

    private static func typeName(_ mode: UInt32) -> String {
        // The POSIX file type bits, as libarchive's AE_IF* constants spell them.
        switch mode & 0o170000 {
        case 0o040000: "directory"
        case 0o120000: "symlink"
        case 0o100000: "file"
        case 0o020000: "character device"
        case 0o060000: "block device"
        case 0o010000: "fifo"
        default: "other"
        }
    }
}

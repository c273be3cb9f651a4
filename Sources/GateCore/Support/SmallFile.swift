import Foundation

/// The text of a small file, read with read(2) until end of file. That also works for /proc files, which
/// report a size of 0, and avoids FileManager, whose reads cost tens of microseconds each on Linux.
enum SmallFile {
    /// The file's text (invalid UTF-8 repaired), or nil when it cannot be read or exceeds `limit` bytes.
    static func text(_ path: String, limit: Int = 16 << 20) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? String(decoding: bytes, as: UTF8.self) : nil }
            bytes += chunk[0..<n]
            if bytes.count > limit { return nil }
        }
    }
}

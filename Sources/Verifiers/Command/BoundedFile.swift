import Foundation
import GateCore

/// Reads files a plugin wrote (GATE_FINDINGS, native reports) with a ceiling: a program that writes
/// gigabytes, or leaves a FIFO or a device at the path, must not make gate block or hold it all in memory.
enum BoundedFile {
    /// Larger than any real report; small enough to parse in memory.
    static let limit = 256 << 20

    struct Read {
        var data: Data
        /// True when the file was longer than the limit and only its start was read.
        var truncated: Bool
    }

    /// Reads at most `limit` bytes of a regular file. Fails with a reason in words.
    static func read(_ path: String, limit: Int = limit) -> Result<Read, VerifierError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(VerifierError(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(VerifierError(String(cString: strerror(errno)))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure(VerifierError("it is not a regular file")) }
        let want = min(Int(st.st_size), limit)
        var data = Data(count: want)
        var got = 0
        let failed: Int32? = data.withUnsafeMutableBytes { raw -> Int32? in
            while got < want {
                let n = Glibc.read(fd, raw.baseAddress! + got, want - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { break }
                got += n
            }
            return nil
        }
        if let e = failed { return .failure(VerifierError(String(cString: strerror(e)))) }
        data.count = got
        return .success(Read(data: data, truncated: Int(st.st_size) > limit))
    }
}

import Foundation

/// Reads files that someone else wrote (a plugin's GATE_FINDINGS and native reports, a tenant's
/// token-file) with a ceiling: a program that writes gigabytes, or leaves a FIFO or a device at the path,
/// must not make gate block or hold it all in memory.
public enum BoundedFile {
    /// Larger than any real report; small enough to parse in memory.
    public static let limit = 256 << 20

    public struct Read: Sendable {
        public var data: Data
        /// True when the file was longer than the limit and only its start was read.
        public var truncated: Bool
    }

    /// Opens a regular file for reading (never blocking on a FIFO or a device), with its size. The caller
    /// closes the descriptor. Fails with a reason in words.
    public static func openRegular(_ path: String) -> Result<(fd: Int32, size: Int), VerifierError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(VerifierError(String(cString: strerror(errno)))) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            return .failure(VerifierError(String(cString: strerror(e))))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .failure(VerifierError("it is not a regular file"))
        }
        return .success((fd, Int(st.st_size)))
    }

    /// Reads at most `limit` bytes of a regular file. Fails with a reason in words.
    public static func read(_ path: String, limit: Int = limit) -> Result<Read, VerifierError> {
        let opened: (fd: Int32, size: Int)
        switch openRegular(path) {
        case .success(let o): opened = o
        case .failure(let e): return .failure(e)
        }
        let fd = opened.fd
        defer { close(fd) }
        let size = opened.size
        let want = min(size, limit)
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
        return .success(Read(data: data, truncated: size > limit))
    }
}

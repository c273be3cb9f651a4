import Foundation
import GateCore

/// Reads a whole file as bytes and decides whether it is text the extractors may read.
enum FileBytes {
    /// Files larger than this are skipped; no hand-written source file is this big.
    static let sizeLimit = 16 << 20

    enum Outcome {
        case text([UInt8])
        case skipped(SkipReason)
    }

    static func read(_ path: String, python: Bool = false) -> Outcome {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .skipped(.unreadable) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .skipped(.unreadable) }
        let size = Int(st.st_size)
        if size > sizeLimit { return .skipped(.tooLarge) }
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        let ok = bytes.withUnsafeMutableBytes { raw -> Bool in
            while filled < size {
                let n = Glibc.read(fd, raw.baseAddress! + filled, size - filled)
                if n < 0 { if errno == EINTR { continue }; return false }
                if n == 0 { break }
                filled += n
            }
            return true
        }
        guard ok else { return .skipped(.unreadable) }
        if filled < size { bytes.removeLast(size - filled) }
        return classify(bytes, python: python)
    }

    /// Python sources are decoded as Python reads them (byte-order mark, PEP 263 coding line); see PythonSource.
    static func classify(_ bytes: [UInt8], python: Bool = false) -> Outcome {
        let binary = bytes.withUnsafeBufferPointer { buf in buf.baseAddress.map { memchr($0, 0, buf.count) != nil } ?? false }
        if binary { return .skipped(.binary) }
        if python {
            switch PythonSource.decode(bytes) {
            case .text(let utf8): return .text(utf8)
            case .undecodable: return .skipped(PythonSource.declaredCoding(bytes) == nil ? .notUTF8 : .undecodable)
            }
        }
        return bytes.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) == nil } ? .text(bytes) : .skipped(.notUTF8)
    }
}

import Foundation

/// Reads a whole file as bytes and decides whether it is text the extractors may read.
enum FileBytes {
    /// Files larger than this are skipped; no hand-written source file is this big.
    static let sizeLimit = 16 << 20

    enum Outcome {
        case text([UInt8])
        case skipped(SkipReason)
    }

    static func read(_ path: String) -> Outcome {
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
        return classify(bytes)
    }

    static func classify(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBufferPointer { buf in
            if let base = buf.baseAddress, memchr(base, 0, buf.count) != nil { return .skipped(.binary) }
            return isValidUTF8(buf) ? .text(bytes) : .skipped(.notUTF8)
        }
    }

    /// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return false
            }
            guard i + need < n else { return false }
            let c1 = b[i + 1]
            if c1 < lo || c1 > hi { return false }
            for k in 2..<(need + 1) where k <= need {
                let ck = b[i + k]
                if ck < 0x80 || ck > 0xBF { return false }
            }
            i += need + 1
        }
        return true
    }
}

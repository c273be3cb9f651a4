import Foundation
import GateCore

/// A JUnit file as Foundation's XMLParser reads it: in 128 KiB pieces (so a 256 MiB report costs gate one
/// piece, not the file and its copies), checked for UTF-8 and with processing instructions blanked on the
/// way, which the in-memory parse did to the whole file first (see `JUnitIngest`). A byte that is not UTF-8
/// stops the stream before it reaches the parser.
final class JUnitStream: InputStream {
    private let fd: Int32
    private var closed = false
    private var atEnd = false
    /// Bytes read but held back: an unfinished UTF-8 sequence, or a `<` that may start `<?`.
    private var held: [UInt8] = []
    private var utf8 = UTF8Check()
    private var blanker = ProcessingInstructionBlanker()
    private var failure: String?

    /// Why the stream stopped early (not UTF-8, a read error), if it did.
    var problem: String? { failure }

    /// Takes ownership of `fd`.
    init(fd: Int32) {
        self.fd = fd
        super.init(data: Data())
    }

    deinit { if !closed { Glibc.close(fd) } }

    override func open() {}

    override func close() {
        if !closed { Glibc.close(fd) }
        closed = true
    }

    override var hasBytesAvailable: Bool { !atEnd && failure == nil }

    override var streamStatus: Stream.Status {
        failure != nil ? .error : (atEnd && held.isEmpty ? .atEnd : .open)
    }

    override var streamError: (any Error)? {
        failure.map { NSError(domain: "gate.junit", code: 1, userInfo: [NSLocalizedDescriptionKey: $0]) }
    }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength len: Int) -> Int {
        guard failure == nil, len > 4, !closed else { return failure == nil ? 0 : -1 }
        while true {
            // Held bytes first, then what the file has.
            var count = held.count
            for (i, b) in held.enumerated() { buffer[i] = b }
            held.removeAll(keepingCapacity: true)
            if !atEnd {
                let n = Glibc.read(fd, buffer + count, len - count)
                if n < 0 {
                    if errno == EINTR { held = Array(UnsafeBufferPointer(start: buffer, count: count)); continue }
                    failure = "cannot read the file: \(String(cString: strerror(errno)))"
                    return -1
                }
                if n == 0 { atEnd = true }
                count += n
            }
            var end = count
            if !atEnd {
                // Hold back an unfinished UTF-8 sequence and a trailing `<`: the next piece decides them.
                end = UTF8Check.completePrefix(buffer, count)
                if end > 0 && buffer[end - 1] == 0x3C { end -= 1 }
            }
            for i in 0..<end {
                guard utf8.accept(buffer[i]) else {
                    failure = "the file is not valid UTF-8; JUnit reports must be UTF-8"
                    return -1
                }
                buffer[i] = blanker.next(buffer[i], following: i + 1 < count ? buffer[i + 1] : nil)
            }
            if atEnd && !utf8.isComplete {
                failure = "the file is not valid UTF-8; JUnit reports must be UTF-8"
                return -1
            }
            held = Array(UnsafeBufferPointer(start: buffer + end, count: count - end))
            if end > 0 || atEnd { return end }
        }
    }
}

/// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), a byte at a time.
struct UTF8Check {
    private var need = 0
    private var low: UInt8 = 0x80, high: UInt8 = 0xBF

    var isComplete: Bool { need == 0 }

    mutating func accept(_ b: UInt8) -> Bool {
        if need > 0 {
            guard b >= low && b <= high else { return false }
            need -= 1
            low = 0x80
            high = 0xBF
            return true
        }
        switch b {
        case 0x00...0x7F: return true
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: need = 2
        case 0xED: need = 2; high = 0x9F
        case 0xF0: need = 3; low = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; high = 0x8F
        default: return false
        }
        return true
    }

    /// The length of `bytes[..<count]` without a UTF-8 sequence that starts in its last three bytes and
    /// does not end within them. (Invalid bytes are left for `accept` to refuse.)
    static func completePrefix(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
        var i = count - 1
        while i >= 0 && i >= count - 3 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        guard i >= 0 else { return count }
        let lead = bytes[i]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return i + length > count ? i : count
    }
}

/// Blanks `<?...?>` a byte at a time (keeping newlines, so that line numbers hold): Foundation's XMLParser
/// reads a processing instruction's data with strlen even when there is none, and JUnit has no use for
/// them. An instruction that never closes blanks the rest of the file.
struct ProcessingInstructionBlanker {
    private enum State { case outside, opened, inside(afterQuestion: Bool) }
    private var state = State.outside

    /// The byte to pass on for `b`; `following` is the byte after it (nil at the end of the file).
    mutating func next(_ b: UInt8, following: UInt8?) -> UInt8 {
        switch state {
        case .outside:
            guard b == 0x3C, following == 0x3F else { return b }
            state = .opened
            return 0x20
        case .opened:
            // The `?` of `<?` cannot also close it: `<?>` is still open.
            state = .inside(afterQuestion: false)
        case .inside(let question):
            state = question && b == 0x3E ? .outside : .inside(afterQuestion: b == 0x3F)
        }
        return b == 0x0A ? b : 0x20
    }
}

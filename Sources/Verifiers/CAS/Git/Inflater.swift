import CZlib

#if canImport(Glibc)
import Glibc
#endif

/// One zlib inflate stream, reset between objects (`inflateReset` costs nothing next to `inflateInit`).
/// The z_stream lives at a fixed address: zlib keeps a pointer back to it and refuses a moved stream.
/// Owned by one worker thread.
final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private var ready = false

    init() {
        stream = .allocate(capacity: 1)
        memset(stream, 0, MemoryLayout<z_stream>.size)
        ready = inflateInit_(stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit {
        if ready { inflateEnd(stream) }
        stream.deallocate()
    }

    enum Problem: Error, Sendable, CustomStringConvertible, Equatable {
        case corrupt(String), truncated, longer(than: Int), shorter(Int, than: Int)
        var description: String {
            switch self {
            case .corrupt(let why): "the zlib stream is corrupt (\(why))"
            case .truncated: "the zlib stream ends early (truncated)"
            case .longer(let size): "it inflates to more than the \(size) bytes its header says"
            case .shorter(let got, let size): "it inflates to \(got) bytes, not the \(size) its header says"
            }
        }
    }

    /// Inflates `input` into `output`, which has room for `size + 1` bytes, and expects exactly `size`.
    /// Returns how many input bytes the stream used.
    func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, size: Int) throws(Problem) -> Int {
        guard ready else { throw .corrupt("zlib could not be initialised") }
        inflateReset(stream)
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        var outLeft = size + 1
        var inUsed = 0
        var status = Z_OK
        while true {
            let inStep = min(input.count - inUsed, 1 << 30)
            let outStep = min(outLeft, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + inUsed }?
                .assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(inStep)
            stream.pointee.avail_out = uInt(outStep)
            status = CZlib.inflate(stream, Z_NO_FLUSH)
            inUsed += inStep - Int(stream.pointee.avail_in)
            outLeft -= outStep - Int(stream.pointee.avail_out)
            if status == Z_STREAM_END { break }
            if status == Z_OK || status == Z_BUF_ERROR {
                if outLeft == 0 { throw .longer(than: size) }
                if inUsed >= input.count { throw .truncated }
                if status == Z_BUF_ERROR && stream.pointee.avail_in > 0 && stream.pointee.avail_out > 0 {
                    throw .corrupt("no progress")
                }
                continue
            }
            throw .corrupt(Self.message(stream, status))
        }
        let produced = size + 1 - outLeft
        if produced > size { throw .longer(than: size) }
        if produced < size { throw .shorter(produced, than: size) }
        return inUsed
    }

    /// Inflates a stream read piecewise: `read` fills a buffer and returns the bytes it put there (0 at the
    /// end of the input); `sink` gets the output in pieces (returning false stops with `.stopped`). Input
    /// after the end of the zlib stream is an error unless `stopAtEnd` (a pack entry is followed by the next).
    /// Returns the bytes produced and consumed.
    func stream(read: (UnsafeMutableRawBufferPointer) throws(GitReadError) -> Int,
                into scratch: UnsafeMutableRawBufferPointer, input: UnsafeMutableRawBufferPointer,
                sink: (UnsafeRawBufferPointer) -> Bool, stopAtEnd: Bool = false) throws(StreamFailure) -> (produced: Int, consumed: Int) {
        guard ready else { throw .zlib(.corrupt("zlib could not be initialised")) }
        inflateReset(stream)
        var produced = 0, consumed = 0
        var status = Z_OK
        while status != Z_STREAM_END {
            let n: Int
            do { n = try read(input) } catch { throw .read(error) }
            if n == 0 { throw .zlib(.truncated) }
            stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(n)
            repeat {
                stream.pointee.next_out = scratch.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = uInt(scratch.count)
                status = CZlib.inflate(stream, Z_NO_FLUSH)
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw .zlib(.corrupt(Self.message(stream, status)))
                }
                let got = scratch.count - Int(stream.pointee.avail_out)
                produced += got
                if got > 0 && !sink(UnsafeRawBufferPointer(start: scratch.baseAddress, count: got)) { throw .stopped }
            } while stream.pointee.avail_out == 0 && status != Z_STREAM_END
            consumed += n - Int(stream.pointee.avail_in)
            if status == Z_STREAM_END && stream.pointee.avail_in > 0 && !stopAtEnd { throw .trailing(consumed) }
        }
        return (produced, consumed)
    }

    enum StreamFailure: Error {
        case zlib(Problem), read(GitReadError), stopped, trailing(Int)
    }

    private static func message(_ s: UnsafeMutablePointer<z_stream>, _ status: Int32) -> String {
        s.pointee.msg.map { String(cString: $0) } ?? String(cString: zError(status))
    }
}

/// CRC-32 as idx version 2 stores it (zlib's `crc32`).
enum CRC32 {
    static func of(_ b: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = UInt(crc)
        var done = 0
        while done < b.count {
            let step = min(b.count - done, 1 << 30)
            c = crc32(c, b.baseAddress!.assumingMemoryBound(to: Bytef.self) + done, uInt(step))
            done += step
        }
        return UInt32(truncatingIfNeeded: c)
    }
}

import CZlib
import Foundation

/// gzip sizes, for upload limits stated in compressed bytes (GitHub takes SARIF up to 10 MB gzipped).
enum Gzip {
    /// The size of `data` gzip-compressed at zlib's default level, computed without keeping the output.
    static func compressedSize(_ data: Data) -> Int {
        var stream = z_stream()
        // windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's default.
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return Int.max }
        defer { deflateEnd(&stream) }
        var total = 0
        var scratch = [UInt8](repeating: 0, count: 64 * 1024)
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
            stream.avail_in = uInt(input.count)
            scratch.withUnsafeMutableBufferPointer { out in
                var status = Z_OK
                while status == Z_OK {
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = deflate(&stream, Z_FINISH)
                    total += out.count - Int(stream.avail_out)
                }
            }
        }
        return total
    }
}

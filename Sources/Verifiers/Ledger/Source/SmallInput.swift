import Foundation
import GateCore

/// Reads the small files a ledger check takes besides the ledger (checkpoints, roots, proofs), bounded.
enum SmallInput {
    static func read(_ path: String, display: String, limit: Int, what: String) throws(VerifierError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw VerifierError("cannot read \(what) '\(display)': \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw VerifierError("cannot read \(what) '\(display)': \(String(cString: strerror(errno)))") }
            if n == 0 { return bytes }
            bytes += chunk[0..<n]
            if bytes.count > limit {
                throw VerifierError("\(what) '\(display)' is larger than \(limit) bytes; is it the right file?")
            }
        }
    }
}

/// The container and compression formats gate opens to find where two outputs differ, told apart by
/// their magic bytes (never by the file name: build outputs are often named for what they hold).
enum ArchiveFormat: String, Sendable {
    case gzip, bzip2, xz, zstd
    case tar, zip, ar

    var isStream: Bool { [.gzip, .bzip2, .xz, .zstd].contains(self) }

    /// What a reader calls the thing: a wheel and a jar are zips, a .deb and an .rlib are ar archives.
    static func kindName(_ format: ArchiveFormat, name: String) -> String {
        let lower = name.lowercased()
        switch format {
        case .zip where lower.hasSuffix(".whl"): return "wheel (zip)"
        case .zip where lower.hasSuffix(".jar") || lower.hasSuffix(".war"): return "jar (zip)"
        case .ar where lower.hasSuffix(".deb"): return "deb (ar)"
        case .ar where lower.hasSuffix(".rlib"): return "rlib (ar)"
        default: return format.rawValue
        }
    }

    static func sniff(_ head: [UInt8]) -> ArchiveFormat? {
        func starts(_ magic: [UInt8]) -> Bool { head.count >= magic.count && Array(head.prefix(magic.count)) == magic }
        if starts([0x1F, 0x8B]) { return .gzip }
        if starts([0x42, 0x5A, 0x68]), head.count > 3, (0x31...0x39).contains(head[3]) { return .bzip2 }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts(Array("!<arch>\n".utf8)) { return .ar }
        if head.count >= 512, isTarHeader(Array(head.prefix(512))) { return .tar }
        return nil
    }

    /// ustar and GNU magic, or a v7 header whose checksum adds up.
    static func isTarHeader(_ h: [UInt8]) -> Bool {
        if Array(h[257..<262]) == Array("ustar".utf8) { return true }
        guard h[0] != 0 else { return false }
        let stored = String(decoding: h[148..<156].prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self)
        guard let sum = Int(stored, radix: 8) else { return false }
        var computed = 0
        for (i, b) in h.enumerated() { computed += (148..<156).contains(i) ? 0x20 : Int(b) }
        return sum == computed
    }
}

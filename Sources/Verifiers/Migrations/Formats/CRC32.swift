/// CRC-32 as zlib and `java.util.zip.CRC32` compute it (IEEE 802.3: reflected polynomial 0xEDB88320,
/// initial value and final XOR 0xFFFFFFFF). Flyway stores this value as a signed 32-bit integer.
///
/// Written here rather than taken from a dependency: of the packages available to the build only
/// ZIPFoundation exposes a CRC-32, and pulling a ZIP archive library into the package for a
/// 256-entry table is a poor trade. The test vectors pin it ("123456789" → 0xCBF43926).
enum CRC32 {
    /// The byte-at-a-time lookup table, built once.
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Running state: start from `initial`, feed bytes with `update`, read `value`.
    struct State {
        private var crc: UInt32 = 0xFFFF_FFFF

        mutating func update(_ byte: UInt8) {
            crc = CRC32.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }

        mutating func update<C: Sequence>(_ bytes: C) where C.Element == UInt8 {
            for b in bytes { update(b) }
        }

        var value: UInt32 { crc ^ 0xFFFF_FFFF }
    }

    static func checksum<C: Sequence>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var s = State()
        s.update(bytes)
        return s.value
    }
}

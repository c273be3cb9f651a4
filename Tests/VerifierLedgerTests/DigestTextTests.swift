import Testing
@testable import VerifierLedger

/// The digest reader the hot loop uses: hex through a table, base64, prefixes. Each stored hash of a
/// record goes through it, so every bad digit must be refused wherever it stands.
@Suite struct DigestTextTests {
    static let digits = "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789AbCdEf"

    @Test func readsHexInEitherCase() throws {
        let bytes = try #require(DigestText(encoding: .hex).decode(Self.digits))
        #expect(bytes.count == 32)
        #expect(bytes[0] == 0x01 && bytes[7] == 0xEF && bytes[15] == 0xEF && bytes[31] == 0xEF)
        #expect(DigestText(encoding: .hex).encode(bytes) == Self.digits.lowercased())
    }

    /// Every position, every byte that is not a hex digit: refused (the table's invalid mark must survive
    /// the shift that packs two digits into a byte, in the high and the low digit alike).
    @Test func refusesANonHexByteAnywhere() {
        let valid = Set("0123456789abcdefABCDEF".utf8)
        let base = Array(Self.digits.utf8)
        for position in [0, 1, 30, 31, 62, 63] {
            for c in UInt8.min...UInt8.max where !valid.contains(c) {
                var text = base
                text[position] = c
                let ok = text.withUnsafeBufferPointer { b -> Bool in
                    var out: [UInt8] = []
                    return DigestText(encoding: .hex).decode(b, into: &out)
                }
                #expect(!ok, "byte 0x\(String(c, radix: 16)) at \(position)")
            }
        }
    }

    @Test func refusesOddLengthsAndAMissingPrefix() {
        let text = DigestText(encoding: .hex, prefix: "sha256:")
        #expect(text.decode("sha256:" + Self.digits) != nil)
        #expect(text.decode(Self.digits) == nil)
        #expect(text.decode("sha256:" + Self.digits.dropLast()) == nil)
        #expect(text.decode("sha256:") == [])
        #expect(text.decode("sha256") == nil)
    }

    /// Decoding appends: the checker reuses one buffer per digest and empties it itself.
    @Test func appendsToWhatTheBufferHolds() {
        var out: [UInt8] = [7, 7]
        let ok = Array("ff00".utf8).withUnsafeBufferPointer { DigestText(encoding: .hex).decode($0, into: &out) }
        #expect(ok && out == [7, 7, 0xFF, 0x00])
    }
}

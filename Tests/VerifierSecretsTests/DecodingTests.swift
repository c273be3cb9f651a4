import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// Secrets written encoded (base64, hex, percent-encoding) are found, bounded in depth and size, and the
/// finding says where it sat. gitleaks decodes the same three encodings before matching (its
/// detect/decoder.go); gate states the layer and the offset instead of a path of decoders.
@Suite struct DecodingTests {
    static let gitlab = token("glpat-{r:u:20}")
    static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
    static func hex(_ s: String) -> String { s.utf8.map { String(format: "%02x", $0) }.joined() }

    @Test func base64HexAndPercentEncodedSecretsAreFoundWithTheirLayerAndOffset() throws {
        let cases: [(String, String)] = [
            ("config: \(Self.b64("CI_TOKEN=\(Self.gitlab)\n"))", "inside base64 at offset 9"),
            ("blob = \"\(Self.hex("CI_TOKEN=\(Self.gitlab)\n"))\"", "inside hex at offset 9"),
            ("https://ci.example.invalid/hook?cfg=CI_TOKEN%3D\(Self.gitlab)%0Aother%3D1", "inside percent at offset"),
        ]
        for (text, layer) in cases {
            let hits = scan(text)
            let hit = try #require(hits.first, "nothing found in: \(text)")
            #expect(ruleIDs(hits) == ["gitlab-pat"], "\(text)")
            #expect(hit.decoded?.hasPrefix(layer) == true, "\(hit.decoded ?? "nil") for \(text)")
            #expect(hit.preview == "glpa…", "the preview is of the decoded secret")
        }
    }

    /// A decoded finding carries the decoded secret, so baselines match it wherever it is written.
    @Test func aDecodedSecretHashesLikeThePlainOne() throws {
        let plain = try #require(scan("CI_TOKEN=\(Self.gitlab)").first)
        let encoded = try #require(scan("v: \(Self.b64("CI_TOKEN=\(Self.gitlab)\n"))").first)
        #expect(plain.value == encoded.value)
        #expect(plain.decoded == nil && encoded.decoded != nil)
    }

    @Test func twoLayersAreDecodedByDefaultAndTheDepthIsBounded() throws {
        let inner = Self.hex("CI_TOKEN=\(Self.gitlab)\n")
        let twice = "v: \(Self.b64("blob=\(inner)\n"))"
        let hit = try #require(scan(twice).first, "base64 of hex is two layers")
        #expect(hit.decoded?.contains("inside base64 at offset") == true && hit.decoded?.contains("then inside hex") == true)
        let thrice = "v: \(Self.b64("x=\(Self.b64("blob=\(inner)\n"))\n"))"
        #expect(scan(thrice).isEmpty, "a third layer is past the default depth")
        let deep = try SecretEngine(.defaults, decodeDepth: 3)
        #expect(ruleIDs(scan(thrice, engine: deep), engine: deep) == ["gitlab-pat"])
        let off = try SecretEngine(.defaults, decodeDepth: 0)
        #expect(scan("v: \(Self.b64("CI_TOKEN=\(Self.gitlab)\n"))", engine: off).isEmpty, "decode-depth 0 turns decoding off")
    }

    /// Base64 of binary data (images, archives) is not text and is not scanned; stretches longer than the
    /// segment limit are left alone.
    @Test func binaryAndOversizedStretchesAreNotDecoded() {
        var binary = Array("CI_TOKEN=\(Self.gitlab)".utf8)
        binary.insert(0, at: 3)
        #expect(scan("img: \(Data(binary).base64EncodedString())").isEmpty, "a NUL makes it binary")
        let padding = String(repeating: "A", count: Decoding.maxSegment)
        #expect(scan("v: \(padding)\(Self.b64("CI_TOKEN=\(Self.gitlab)\n"))").isEmpty, "one stretch over 256 KiB")
    }

    /// A token in a URL that percent-decoding leaves as it is was found by the plain scan: one finding.
    @Test func aPlainSecretInsideAPercentStretchIsReportedOnce() {
        let text = "https://ci.example.invalid/?t=\(Self.gitlab)&q=a%20b%20c%20d"
        #expect(scan(text).count == 1)
    }

    /// The decoded layer appears in the finding's message and evidence, and never the secret.
    @Test func theFindingSaysWhereTheSecretSat() async throws {
        let dir = try TempDir("secrets-decoded")
        defer { dir.remove() }
        try dir.write(["ci.yml": "config: \(Self.b64("CI_TOKEN=\(Self.gitlab)\n"))\n"])
        let o = try await runSecrets(dir.path, ["all-files": "true"])
        let f = try #require(o.findings.first)
        #expect(f.message.hasSuffix("(inside base64 at offset 9)"))
        #expect(f.evidence?["decoded"] == "inside base64 at offset 9")
        #expect(f.line == 1 && f.column == 9)
        #expect(!f.message.contains(Self.gitlab) && !(f.evidence?.values.contains { $0.contains(Self.gitlab) } ?? false))
        if case .int(let n)? = o.stats["decodedFindings"] { #expect(n == 1) } else { Issue.record("no decodedFindings stat") }
    }

    /// The segment scan skips ahead when the byte `minLength - 1` further on cannot be in any stretch. It
    /// must find exactly what reading every byte finds: compared with that plain scan on random mixtures of
    /// words, base64, hex, percent escapes, padding and separators, cut at random report ranges.
    @Test func theSkippingSegmentScanFindsWhatAByteByByteScanFinds() {
        var rng = SystemRandomNumberGenerator()
        let alnum = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let pieces: [() -> [UInt8]] = [
            { Array(" = \"'\n\t(){}<>,;:".utf8).shuffled().prefix(Int.random(in: 1...3)).map { $0 } },
            { (0..<Int.random(in: 1...40)).map { _ in alnum.randomElement()! } },
            { (0..<Int.random(in: 20...60)).map { _ in Array("0123456789abcdef".utf8).randomElement()! } },
            { Array(DecodingTests.b64(String((0..<Int.random(in: 10...50)).map { _ in Character(UnicodeScalar(alnum.randomElement()!)) })).utf8) },
            { Array("%3D%2F%20".utf8).shuffled() + Array("abc-_.~/:".utf8).shuffled() },
            { Array("==+/-_%".utf8).shuffled().prefix(Int.random(in: 1...4)).map { $0 } },
        ]
        for _ in 0..<400 {
            var buf: [UInt8] = []
            while buf.count < Int.random(in: 0...600) { buf += pieces.randomElement(using: &rng)!() }
            let lo = Int.random(in: 0...buf.count), hi = Int.random(in: lo...buf.count)
            buf.withUnsafeBufferPointer { b in
                let fast = Decoding.segments(b, in: lo..<hi).map { "\($0.encoding)\($0.range)" }
                let plain = Self.plainSegments(b, in: lo..<hi).map { "\($0.encoding)\($0.range)" }
                #expect(fast == plain, "\(String(decoding: buf, as: UTF8.self)) in \(lo)..<\(hi)")
            }
        }
    }

    /// The segment scan as it read every byte (before the skip), kept as the reference.
    static func plainSegments(_ buf: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> [Decoding.Segment] {
        func base64(_ b: UInt8) -> Bool { KnownNonSecrets.isAlphanumeric(b) || "+/-_".utf8.contains(b) }
        func hexDigit(_ b: UInt8) -> Bool { "0123456789abcdefABCDEF".utf8.contains(b) }
        func urlSafe(_ b: UInt8) -> Bool { KnownNonSecrets.isAlphanumeric(b) || "%._~-+=&:/@!$'*;,?#[]".utf8.contains(b) }
        var out: [Decoding.Segment] = []
        let n = buf.count
        var i = range.lowerBound
        while i < range.upperBound {
            if !base64(buf[i]) && buf[i] != UInt8(ascii: "%") {
                i += 1
                continue
            }
            var j = i, allHex = true, kinds = 0
            while j < n, base64(buf[j]) {
                let b = buf[j]
                allHex = allHex && hexDigit(b)
                kinds |= b >= 65 && b <= 90 ? 1 : b >= 97 && b <= 122 ? 2 : b >= 48 && b <= 57 ? 4 : 0
                j += 1
            }
            var end = j
            while end < n, end < j + 2, buf[end] == UInt8(ascii: "=") { end += 1 }
            if j < n, buf[j] == UInt8(ascii: "%") || j == i {
                var k = i, percent = false
                while k < n, urlSafe(buf[k]) {
                    if buf[k] == UInt8(ascii: "%"), k + 2 < n, hexDigit(buf[k + 1]), hexDigit(buf[k + 2]) { percent = true }
                    k += 1
                }
                if percent, k - i >= Decoding.minLength, k - i <= Decoding.maxSegment {
                    out.append(Decoding.Segment(range: i..<k, encoding: .percent))
                    i = k
                    continue
                }
            }
            let length = j - i
            if length >= Decoding.minLength, end - i <= Decoding.maxSegment, i > 0 ? !base64(buf[i - 1]) : true {
                if allHex && length % 2 == 0 {
                    out.append(Decoding.Segment(range: i..<j, encoding: .hex))
                } else if !allHex, kinds == 7 {
                    out.append(Decoding.Segment(range: i..<end, encoding: .base64))
                }
            }
            i = max(end, i + 1)
        }
        return out
    }

    /// base64 and hex stretches are dropped before their decoded copy is made when their first bytes
    /// cannot start text. The verdict must stay the text rule's, on the first 48 bytes and on the whole
    /// value: compared with Foundation's decoding and that rule (no control byte but tab and line breaks, at
    /// most a tenth of bytes above 0x7F), on text, text with a few or many accented letters, random bytes.
    @Test func earlyRejectionKeepsTheTextRulesVerdict() {
        func isTextRule(_ b: [UInt8]) -> Bool {
            !b.contains { ($0 < 0x20 && $0 != 9 && $0 != 10 && $0 != 13) || $0 == 0x7F } && b.filter { $0 >= 0x80 }.count * 10 <= b.count
        }
        let words = Array("key=value token pass\tline\n ".utf8)
        for round in 0..<600 {
            var bytes: [UInt8]
            let length = Int.random(in: 4...90)
            switch round % 4 {
            case 0: bytes = (0..<length).map { _ in words.randomElement()! }
            case 1, 2:
                bytes = (0..<length).map { _ in words.randomElement()! }
                for _ in 0..<(round % 4 == 1 ? Int.random(in: 1...3) : Int.random(in: 3...8)) {
                    bytes.insert(contentsOf: Array("é".utf8), at: Int.random(in: 0...bytes.count))
                }
            default: bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            }
            // The first 48 bytes decide early (as before this change), then the whole value.
            let expected = bytes.count >= 8 && isTextRule(bytes) && isTextRule(Array(bytes.prefix(48)))
            var b64 = Data(bytes).base64EncodedString()
            if round % 3 == 0 { b64 = String(b64.prefix { $0 != "=" }) }
            let hexText = bytes.map { String(format: "%02x", $0) }.joined()
            for (text, encoding) in [(b64, Decoding.Encoding.base64), (hexText, .hex)] {
                let got = Array(text.utf8).withUnsafeBufferPointer { Decoding.decode($0, encoding) }
                #expect((got != nil) == expected, "\(encoding) of \(bytes)")
                if let got { #expect(got == bytes) }
            }
        }
    }
}

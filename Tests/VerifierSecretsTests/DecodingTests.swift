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
}

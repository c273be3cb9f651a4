import ContentHash
import GateCore

/// The documented examples (`gate explain cas`); GateKitTests runs each through the real pipeline.
enum CASExamples {
    static func native(_ content: String) -> (path: String, digest: String) {
        let hex = ContentHash.hash(content, .xxh3_128).hex
        return ("objects/\(hex.prefix(2))/\(hex.dropFirst(2))", hex)
    }

    static let hello = native("hello\n")
    static let world = native("world\n")
    static let sha = ContentHash.hash("release bytes\n", .sha256).hex

    static let all: [VerifierExample] = [
        VerifierExample("A native store whose objects match their names", with: "layout: native",
                        files: ["format": "gate-cas 1\n", hello.path: "hello\n", world.path: "world\n"], expect: .passed),
        VerifierExample("A corrupted object", with: "layout: native",
                        files: ["format": "gate-cas 1\n", hello.path: "hellO\n"], expect: .failed,
                        expectRules: ["cas/hash-mismatch"]),
        VerifierExample("A manifest naming an absent object; an unreferenced one is only an orphan",
                        with: "layout: native",
                        files: ["format": "gate-cas 1\n", world.path: "world\n",
                                "manifests/release.json": """
                                    {"format": "gate-cas-manifest/1", "name": "release",
                                     "objects": [{"digest": "\(hello.digest)", "size": 6}]}
                                    """],
                        expect: .failed, expectRules: ["cas/missing-object", "cas/orphan"]),
        VerifierExample("A sha256sum manifest over release files",
                        with: "layout: checksums\nmanifest: SHA256SUMS\nexclude: [Reports/, .gate/]",
                        files: ["SHA256SUMS": "\(sha)  dist/app.tar\n", "dist/app.tar": "release bytes\n"], expect: .passed),
        VerifierExample("A release file that changed after its checksum was taken",
                        with: "layout: checksums\nmanifest: SHA256SUMS",
                        files: ["SHA256SUMS": "\(sha)  dist/app.tar\n", "dist/app.tar": "release bytez\n"], expect: .failed,
                        expectRules: ["cas/hash-mismatch"]),
    ]
}

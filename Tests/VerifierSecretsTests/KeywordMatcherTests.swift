import Testing
@testable import VerifierSecrets

/// The Aho–Corasick prefilter against a naive search: every occurrence of every keyword, case-insensitive,
/// overlapping ones included.
@Suite struct KeywordMatcherTests {
    static func naive(_ text: [UInt8], _ words: [String]) -> [[Int]] {
        let lower = text.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        return words.enumerated().flatMap { (k, w) -> [[Int]] in
            let n = Array(w.lowercased().utf8)
            guard n.count <= lower.count else { return [] }
            return (0...(lower.count - n.count)).filter { lower[$0..<($0 + n.count)].elementsEqual(n) }.map { [k, $0] }
        }.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }
    }

    static func hits(_ m: KeywordMatcher, _ text: [UInt8]) -> [[Int]] {
        var out: [[Int]] = []
        text.withUnsafeBufferPointer { b in m.scan(b) { k, start in out.append([k, start]) } }
        return out.sorted { ($0[1], $0[0]) < ($1[1], $1[0]) }
    }

    @Test func findsOverlappingAndNestedKeywords() {
        let words = ["he", "she", "his", "hers", "ghp_", "gh"]
        let m = KeywordMatcher(words)
        let text = Array("uSHErs and hiS ghp_x".utf8)
        #expect(Self.hits(m, text) == Self.naive(text, words))
        #expect(Self.hits(m, text).contains([1, 1]), "'she' is found case-insensitively")
    }

    @Test func agreesWithNaiveSearchOnRandomText() {
        var rng = ExampleTemplate.Generator(seed: 99)
        let words = Ruleset.builtin.rules.flatMap(\.keywords)
        let unique = Array(Set(words)).sorted()
        let m = KeywordMatcher(unique)
        let alphabet = Array("abcdeghkpstuy_-.:ABCGHKPS01234 \n".utf8)
        for round in 0..<8 {
            var text = (0..<1000).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            // Plant real keywords so that matches are not left to chance.
            for _ in 0..<15 {
                let w = Array(unique[Int(rng.next() % UInt64(unique.count))].utf8)
                let at = Int(rng.next() % UInt64(text.count - w.count))
                text.replaceSubrange(at..<(at + w.count), with: round % 2 == 0 ? w : w.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 })
            }
            #expect(Self.hits(m, text) == Self.naive(text, unique), "round \(round)")
        }
    }

    /// A keyword longer than a quarter of the buffer: the lanes would overlap by more than their length.
    @Test func keywordsLongerThanALaneAreFound() {
        let long = String(repeating: "k", count: 1500) + "ey"
        let m = KeywordMatcher([long, "key"])
        let text = Array((String(repeating: "x", count: 100) + long + String(repeating: "y", count: 1000) + long).utf8)
        #expect(text.count >= 4096 && long.utf8.count > text.count / 4)
        #expect(Self.hits(m, text) == Self.naive(text, [long, "key"]))
    }

    @Test func emptyInputsAreHarmless() {
        #expect(Self.hits(KeywordMatcher([]), Array("abc".utf8)).isEmpty)
        #expect(Self.hits(KeywordMatcher(["abc"]), []).isEmpty)
    }
}

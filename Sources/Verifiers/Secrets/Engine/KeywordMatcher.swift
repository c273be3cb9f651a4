/// A case-insensitive multi-keyword prefilter: an Aho–Corasick automaton compiled to a dense DFA over
/// byte classes, so that one pass over a file finds every occurrence of every rule keyword.
///
/// Bytes that occur in no keyword share class 0, which keeps the transition table small enough to stay in
/// cache (a few hundred states × a few dozen classes). Transitions are stored premultiplied by the class
/// count, and a state that ends at least one keyword is stored bit-inverted, so the inner loop is one
/// table load and one sign test per byte.
struct KeywordMatcher: Sendable {
    /// The keywords, lowercased, in the order given.
    let keywords: [[UInt8]]
    private let classOf: [UInt8]
    private let classCount: Int
    private let delta: [Int32]
    /// For each state (by index), the keywords that end there: `outputs[outputStart[s]..<outputStart[s+1]]`.
    private let outputStart: [Int32]
    private let outputs: [Int32]

    init(_ words: [String]) {
        keywords = words.map { Array($0.lowercased().utf8) }
        // Byte classes: one per distinct lowercase byte in any keyword; upper-case letters share theirs.
        var cls = [UInt8](repeating: 0, count: 256)
        var next: UInt8 = 1
        for w in keywords {
            for b in w where cls[Int(b)] == 0 {
                cls[Int(b)] = next
                next += 1
            }
        }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { cls[Int(b)] = cls[Int(b + 32)] }
        classOf = cls
        let k = Int(next)
        classCount = k

        // The trie, with goto transitions per class (-1 = none).
        var go: [[Int32]] = [[Int32](repeating: -1, count: k)]
        var out: [[Int32]] = [[]]
        for (index, w) in keywords.enumerated() where !w.isEmpty {
            var s = 0
            for b in w {
                let c = Int(cls[Int(b)])
                if go[s][c] < 0 {
                    go[s][c] = Int32(go.count)
                    go.append([Int32](repeating: -1, count: k))
                    out.append([])
                }
                s = Int(go[s][c])
            }
            out[s].append(Int32(index))
        }

        // Breadth-first failure links turn the trie into a complete DFA.
        var fail = [Int32](repeating: 0, count: go.count)
        var queue: [Int] = []
        for c in 0..<k {
            if go[0][c] < 0 { go[0][c] = 0 } else { fail[Int(go[0][c])] = 0; queue.append(Int(go[0][c])) }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            out[s] += out[Int(fail[s])]
            for c in 0..<k {
                let t = go[s][c]
                if t < 0 {
                    go[s][c] = go[Int(fail[s])][c]
                } else {
                    fail[Int(t)] = go[Int(fail[s])][c]
                    queue.append(Int(t))
                }
            }
        }

        var table = [Int32](repeating: 0, count: go.count * k)
        for s in 0..<go.count {
            for c in 0..<k {
                let t = Int(go[s][c])
                let base = Int32(t * k)
                table[s * k + c] = out[t].isEmpty ? base : ~base
            }
        }
        delta = table
        var starts: [Int32] = [0]
        var flat: [Int32] = []
        for o in out {
            flat += o
            starts.append(Int32(flat.count))
        }
        outputStart = starts
        outputs = flat
    }

    /// Calls `hit(keywordIndex, start)` for every occurrence, in order of the occurrence's end.
    @inline(__always)
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        guard let base = bytes.baseAddress, !keywords.isEmpty else { return }
        let n = bytes.count
        let k = classCount
        classOf.withUnsafeBufferPointer { cls in
            delta.withUnsafeBufferPointer { d in
                outputStart.withUnsafeBufferPointer { os in
                    outputs.withUnsafeBufferPointer { outs in
                        var s = 0
                        var i = 0
                        while i < n {
                            let e = d[s &+ Int(cls[Int(base[i])])]
                            if e >= 0 {
                                s = Int(e)
                            } else {
                                s = Int(~e)
                                let state = s / k
                                for j in Int(os[state])..<Int(os[state + 1]) {
                                    let kw = Int(outs[j])
                                    hit(kw, i + 1 - keywords[kw].count)
                                }
                            }
                            i &+= 1
                        }
                    }
                }
            }
        }
    }

    /// Number of DFA states, for tests and diagnostics.
    var stateCount: Int { delta.count / max(classCount, 1) }
}

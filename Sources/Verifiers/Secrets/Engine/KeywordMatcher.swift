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
    let lengths: [Int]
    /// The longest keyword's length, which is how far lanes must overlap.
    private let longest: Int

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
        lengths = keywords.map(\.count)
        longest = max(1, lengths.max() ?? 1)
    }

    /// Calls `hit(keywordIndex, start)` for every occurrence, in order of the occurrence's end.
    ///
    /// The automaton's speed is bounded by the latency of one table load per byte, each depending on the
    /// previous one. Large buffers are therefore cut into four lanes walked in the same loop, so that the
    /// processor overlaps four independent chains. Each lane after the first starts `longest - 1` bytes
    /// early and reports only occurrences that end inside its own part, so nothing is missed or doubled.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        guard let base = bytes.baseAddress, !keywords.isEmpty else { return }
        let n = bytes.count
        classOf.withUnsafeBufferPointer { clsBuffer in
            delta.withUnsafeBufferPointer { deltaBuffer in
                let cls = clsBuffer.baseAddress!, d = deltaBuffer.baseAddress!
                // Lanes must be longer than the keywords they overlap by (a user's rule may have a long
                // one): lane 0 would otherwise finish from before the buffer's start.
                if n < 4096 || n / 4 <= 2 * longest {
                    var s = 0
                    run(base, from: 0, to: n, reportFrom: 0, state: &s, clsBuffer, deltaBuffer, hit)
                    return
                }
                let part = n / 4
                let lead = longest - 1
                let starts = [0, part - lead, 2 * part - lead, 3 * part - lead]
                let ends = [part, 2 * part, 3 * part, n]
                let steps = part - lead
                // Output states met in the interleaved loop, as (lane, offset within lane, state); rare
                // compared with bytes, so they are handled after the loop, lane by lane, in order.
                var found: [(lane: Int, at: Int, state: Int)] = []
                var s0 = 0, s1 = 0, s2 = 0, s3 = 0
                let p0 = base + starts[0], p1 = base + starts[1], p2 = base + starts[2], p3 = base + starts[3]
                var k = 0
                while k < steps {
                    let e0 = d[s0 &+ Int(cls[Int(p0[k])])]
                    let e1 = d[s1 &+ Int(cls[Int(p1[k])])]
                    let e2 = d[s2 &+ Int(cls[Int(p2[k])])]
                    let e3 = d[s3 &+ Int(cls[Int(p3[k])])]
                    s0 = Int(e0 < 0 ? ~e0 : e0)
                    s1 = Int(e1 < 0 ? ~e1 : e1)
                    s2 = Int(e2 < 0 ? ~e2 : e2)
                    s3 = Int(e3 < 0 ? ~e3 : e3)
                    if (e0 | e1 | e2 | e3) < 0 {
                        if e0 < 0 { found.append((0, k, s0)) }
                        if e1 < 0 { found.append((1, k, s1)) }
                        if e2 < 0 { found.append((2, k, s2)) }
                        if e3 < 0 { found.append((3, k, s3)) }
                    }
                    k &+= 1
                }
                var states = [s0, s1, s2, s3]
                for lane in 0..<4 {
                    let reportFrom = lane == 0 ? 0 : lane * part
                    for f in found where f.lane == lane {
                        emit(f.state, end: starts[lane] + f.at, reportFrom: reportFrom, hit)
                    }
                    // Lanes differ in length by the lead and the remainder: each finishes alone.
                    run(base, from: starts[lane] + steps, to: ends[lane], reportFrom: reportFrom, state: &states[lane],
                        clsBuffer, deltaBuffer, hit)
                }
            }
        }
    }

    @inline(__always)
    private func run(_ base: UnsafePointer<UInt8>, from: Int, to: Int, reportFrom: Int, state s: inout Int,
                     _ cls: UnsafeBufferPointer<UInt8>, _ d: UnsafeBufferPointer<Int32>, _ hit: (Int, Int) -> Void) {
        var i = from
        while i < to {
            let e = d[s &+ Int(cls[Int(base[i])])]
            if e >= 0 {
                s = Int(e)
            } else {
                s = Int(~e)
                emit(s, end: i, reportFrom: reportFrom, hit)
            }
            i &+= 1
        }
    }

    /// Reports the keywords ending at `end` in premultiplied state `s`, if they end at or after `reportFrom`.
    @inline(__always)
    private func emit(_ s: Int, end: Int, reportFrom: Int, _ hit: (Int, Int) -> Void) {
        guard end >= reportFrom else { return }
        let state = s / classCount
        outputStart.withUnsafeBufferPointer { os in
            outputs.withUnsafeBufferPointer { outs in
                for j in Int(os[state])..<Int(os[state + 1]) {
                    let kw = Int(outs[j])
                    hit(kw, end + 1 - lengths[kw])
                }
            }
        }
    }

    /// Number of DFA states, for tests and diagnostics.
    var stateCount: Int { delta.count / max(classCount, 1) }
}

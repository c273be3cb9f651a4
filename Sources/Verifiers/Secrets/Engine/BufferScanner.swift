import Glibc

/// A secret found in a buffer, after every check. Offsets are relative to the buffer.
struct BufferHit {
    var rule: Int
    var secret: Range<Int>
    var match: Range<Int>
    /// For a secret found in decoded text: the encodings it sat in and its bytes (the buffer holds only
    /// the encoded form); `secret` is then the empty range at the encoded stretch's start.
    var decoded: Decoded?
}

/// Where a decoded secret sat: outermost encoding first, each with the secret's (or the inner stretch's)
/// byte offset in that encoding's decoded text.
struct Decoded {
    var layers: [(encoding: Decoding.Encoding, offset: Int)]
    var secret: [UInt8]

    /// "inside base64 at offset 12" (and ", then inside hex at offset 4" for nested encodings).
    var description: String {
        layers.map { "inside \($0.encoding.rawValue) at offset \($0.offset)" }.joined(separator: ", then ")
    }
}

/// Scans one buffer with a `SecretEngine`: keyword prefilter, bounded regex windows, candidate checks and
/// overlap resolution. One per thread; it keeps its scratch arrays between buffers so that the hot path
/// does not allocate.
final class BufferScanner {
    let engine: SecretEngine
    let scratch: RegexScratch
    /// PCRE2 stopped a pathological match; the window was skipped.
    var regexLimitHits = 0

    private var windows: [[Range<Int>]]
    private var touched: [Int] = []
    /// Keyword hit offsets of the rules with known match starts, in file order.
    private var hitsOf: [[Int]]
    private var starts: [Int] = []
    private var enabled: [Bool]
    private var candidates: [Candidate] = []

    private struct Candidate {
        var rule: Int
        var secret: Range<Int>
        var match: Range<Int>
        var valid: Bool
        var confidence: Int
    }

    init(engine: SecretEngine) {
        self.engine = engine
        scratch = RegexScratch(captures: engine.maxCaptures)
        windows = Array(repeating: [], count: engine.rules.count)
        hitsOf = Array(repeating: [], count: engine.rules.count)
        enabled = Array(repeating: true, count: engine.rules.count)
    }

    /// Prepares the per-file rule mask (`path` regexes, path allowlists). False when the file is skipped.
    func begin(path: String) -> Bool {
        guard engine.pathSensitive else { return true }
        if engine.fileAllowlisted(path, scratch: scratch) { return false }
        // Only the rules a path can turn off: the others stay on (looping over all of them cost a few
        // per cent of a scan of many small files in reference counting alone).
        let bytes = Array(path.utf8)
        for i in engine.pathRules {
            let r = engine.rules[i]
            var on = true
            if let p = r.pathRegex, r.regex != nil { on = p.matches(bytes, scratch: scratch) }
            if on, r.allowlists.contains(where: { $0.pathsOnly && $0.pathAllowed(path, scratch: scratch) }) { on = false }
            enabled[i] = on
        }
        return true
    }

    /// Finds the secrets whose start lies in `report` (buffer offsets); bytes outside it are context only.
    /// Encoded stretches starting in `report` are decoded and scanned too, up to the engine's depth.
    func scan(_ buf: UnsafeBufferPointer<UInt8>, report: Range<Int>, path: String, commit: String?) -> [BufferHit] {
        var hits = scanPlain(buf, report: report, path: path, commit: commit)
        if engine.decodeDepth > 0 {
            var budget = Self.decodeBudget
            let plain = Set(hits.map { Array(buf[$0.secret]) })
            hits += scanDecoded(buf, report: report, path: path, commit: commit, depth: engine.decodeDepth, budget: &budget)
                .filter { !plain.contains($0.decoded?.secret ?? []) }
        }
        return hits
    }

    /// Bytes decoded per buffer at most (a chunk of a large file, or a diff's additions to one file).
    static let decodeBudget = 4 << 20
    /// Decoded secrets found (for the stats).
    var decodedHits = 0

    private func scanDecoded(_ buf: UnsafeBufferPointer<UInt8>, report: Range<Int>, path: String, commit: String?,
                             depth: Int, budget: inout Int) -> [BufferHit] {
        var out: [BufferHit] = []
        for seg in Decoding.segments(buf, in: report) {
            guard budget > 0 else { break }
            let encoded = UnsafeBufferPointer(rebasing: buf[seg.range])
            guard let text = Decoding.decode(encoded, seg.encoding) else { continue }
            budget -= text.count
            text.withUnsafeBufferPointer { t in
                var inner = scanPlain(t, report: 0..<t.count, path: path, commit: commit)
                if depth > 1 { inner += scanDecoded(t, report: 0..<t.count, path: path, commit: commit, depth: depth - 1, budget: &budget) }
                for h in inner {
                    // (A secret the plain scan found too, as in a URL that percent-decoding leaves as it
                    // was, is dropped by the caller.)
                    let bytes = h.decoded?.secret ?? Array(t[h.secret])
                    let layers = [(seg.encoding, h.decoded == nil ? h.secret.lowerBound : h.match.lowerBound)] + (h.decoded?.layers ?? [])
                    let at = seg.range.lowerBound
                    out.append(BufferHit(rule: h.rule, secret: at..<at, match: seg.range, decoded: Decoded(layers: layers, secret: bytes)))
                    decodedHits += 1
                }
            }
        }
        return out
    }

    private func scanPlain(_ buf: UnsafeBufferPointer<UInt8>, report: Range<Int>, path: String, commit: String?) -> [BufferHit] {
        guard let base = buf.baseAddress, !buf.isEmpty else { return [] }
        let n = buf.count
        // The scratch arrays are moved into locals for the keyword pass (and back after it): the closure
        // then updates them without the exclusivity checks and reference counting a class's properties
        // cost on every hit.
        var windows = self.windows, hitsOf = self.hitsOf, touched = self.touched
        self.windows = []
        self.hitsOf = []
        self.touched = []
        defer {
            self.windows = windows
            self.hitsOf = hitsOf
            self.touched = touched
        }
        for r in touched {
            windows[r].removeAll(keepingCapacity: true)
            hitsOf[r].removeAll(keepingCapacity: true)
        }
        touched.removeAll(keepingCapacity: true)
        candidates.removeAll(keepingCapacity: true)

        // 1. One pass of the keyword automaton marks a bounded window per rule around each hit.
        let ruleStart = engine.keywordRuleStart, ruleList = engine.keywordRuleList
        let windowOf = engine.windowOf, multilineOf = engine.multilineOf
        let windowBeforeOf = engine.windowBeforeOf, enabled = self.enabled, isExact = engine.isExact
        let lengths = engine.matcher.lengths, anchoredOf = engine.anchoredOf
        engine.matcher.scan(buf) { kw, start in
            let len = lengths[kw]
            if isExact[kw], !Self.spelled(base + start, as: engine.exactSpellings[kw]!) { return }
            for j in ruleStart[kw]..<ruleStart[kw + 1] {
                let r = ruleList[j]
                guard enabled[r] else { continue }
                if anchoredOf[r] { hitsOf[r].append(start) }
                let w = windowOf[r]
                let multiline = multilineOf[r]
                let floor = max(0, start - windowBeforeOf[r])
                var we = min(n, start + len + w)
                if !multiline { we = Self.lineEnd(base, start + len, ceiling: we) }
                // Hits close to the previous window extend it. Only a line end in between (for rules that
                // stay on one line) starts a new window, so dense hits on a long line cost no backward scans.
                if let last = windows[r].last, floor <= last.upperBound,
                   multiline || last.upperBound >= start
                    || memchr(base + last.upperBound, 10, start - last.upperBound) == nil {
                    if we > last.upperBound { windows[r][windows[r].count - 1] = last.lowerBound..<we }
                    continue
                }
                let ws = multiline ? floor : Self.lineStart(base, start, floor: floor)
                if windows[r].isEmpty { touched.append(r) }
                windows[r].append(ws..<we)
            }
        }
        for r in engine.unkeyedRules where enabled[r] {
            touched.append(r)
            windows[r].append(0..<n)
        }

        // 2. Each rule's regex runs on its windows only.
        for r in touched {
            if let anchored = engine.rules[r].anchored, let plan = engine.rules[r].starts {
                var next = 0
                for window in windows[r] {
                    runAnchored(anchored, plan, hits: hitsOf[r], rule: r, window: window, next: &next, base: base, n: n)
                }
                continue
            }
            guard let regex = engine.rules[r].regex else { continue }
            for window in windows[r] { run(regex, rule: r, window: window, base: base, n: n) }
        }
        guard !candidates.isEmpty else { return [] }

        // 3. Checks, then 4. overlap resolution.
        for i in candidates.indices {
            candidates[i].valid = accept(candidates[i], buf, path: path, commit: commit)
        }
        return resolve().filter { report.contains($0.secret.lowerBound) }
    }

    private func run(_ regex: PCRE2Regex, rule r: Int, window: Range<Int>, base: UnsafePointer<UInt8>, n: Int) {
        let rule = engine.rules[r]
        var from = window.lowerBound
        while from < window.upperBound {
            switch regex.match(base, length: window.upperBound, from: from, scratch: scratch) {
            case .match:
                guard let m = scratch.group(0) else { return }
                from = m.isEmpty ? m.lowerBound + 1 : m.upperBound
                guard let secret = secretRange(rule.secretGroup, regex, match: m), !secret.isEmpty else { continue }
                // A window clipped in the middle of a long line must not invent a token boundary.
                if secret.upperBound == window.upperBound, window.upperBound < n,
                   KnownNonSecrets.isAlphanumeric(base[window.upperBound]) {
                    continue
                }
                candidates.append(Candidate(rule: r, secret: secret, match: m, valid: false, confidence: rule.confidence))
            case .noMatch, .failed:
                return
            case .limit:
                regexLimitHits += 1
                return
            }
        }
    }

    /// `run` for a rule whose matches can start only near its keyword hits or at its `startsAt` bytes: the
    /// anchored regex is tried at those offsets alone, in order, resuming after each match as the unanchored
    /// search does, so it finds the same matches without trying every byte of the window.
    private func runAnchored(_ regex: PCRE2Regex, _ plan: RuleSpec.MatchStarts, hits: [Int], rule r: Int,
                             window: Range<Int>, next: inout Int, base: UnsafePointer<UInt8>, n: Int) {
        starts.removeAll(keepingCapacity: true)
        while next < hits.count, hits[next] < window.upperBound {
            let h = hits[next]
            for p in max(window.lowerBound, h - plan.before)...max(window.lowerBound, min(window.upperBound - 1, h + plan.after)) {
                starts.append(p)
            }
            next += 1
        }
        // memchr per start byte: a byte loop over every window cost as much as the search it replaces.
        for b in plan.bytes {
            var p = window.lowerBound
            while p < window.upperBound, let q = memchr(base + p, Int32(b), window.upperBound - p) {
                let at = base.distance(to: q.assumingMemoryBound(to: UInt8.self))
                starts.append(at)
                p = at + 1
            }
        }
        guard !starts.isEmpty else { return }
        starts.sort()
        var from = window.lowerBound
        var last = -1
        // A start whose byte cannot begin a match is not tried: most of the offsets around a keyword hit
        // are (a PCRE2 call costs more than its quick failure).
        let startBytes = engine.rules[r].regex?.startBytes
        for p in starts where p >= from && p != last {
            last = p
            if let startBytes, !startBytes[Int(base[p])] { continue }
            switch regex.match(base, length: window.upperBound, from: p, scratch: scratch) {
            case .match:
                guard let m = scratch.group(0) else { return }
                from = m.isEmpty ? m.lowerBound + 1 : m.upperBound
                guard let secret = secretRange(engine.rules[r].secretGroup, regex, match: m), !secret.isEmpty else { continue }
                if secret.upperBound == window.upperBound, window.upperBound < n,
                   KnownNonSecrets.isAlphanumeric(base[window.upperBound]) {
                    continue
                }
                candidates.append(Candidate(rule: r, secret: secret, match: m, valid: false, confidence: engine.rules[r].confidence))
            case .noMatch:
                continue
            case .failed:
                return
            case .limit:
                regexLimitHits += 1
                return
            }
        }
    }

    private func secretRange(_ group: Int?, _ regex: PCRE2Regex, match: Range<Int>) -> Range<Int>? {
        if let g = group { return scratch.group(g) }
        if regex.captureCount > 0 {
            for g in 1...regex.captureCount {
                if let r = scratch.group(g), !r.isEmpty { return r }
            }
        }
        return match
    }

    private func accept(_ c: Candidate, _ buf: UnsafeBufferPointer<UInt8>, path: String, commit: String?) -> Bool {
        let rule = engine.rules[c.rule]
        let secret = UnsafeBufferPointer(rebasing: buf[c.secret])
        if let min = rule.entropy, SecretChecks.entropy(secret) < min { return false }
        for v in rule.validators {
            switch v {
            case .crc32Base62: if !SecretChecks.crc32Base62Valid(secret) { return false }
            case .jwtHeader: if !SecretChecks.jwtHeaderValid(secret) { return false }
            }
        }
        for f in rule.valueFilters {
            switch f {
            case .assignment:
                let before = c.secret.lowerBound > 0 ? buf[c.secret.lowerBound - 1] : 0
                let quoted = before == UInt8(ascii: "\"") || before == UInt8(ascii: "'") || before == UInt8(ascii: "`")
                let following = UnsafeBufferPointer(rebasing: buf[c.secret.upperBound..<min(buf.count, c.secret.upperBound + 8)])
                if ValueFilters.assignmentReason(secret, quoted: quoted, following: following) != nil { return false }
            case .mixed:
                if !ValueFilters.isMixed(secret) { return false }
            case .randomTail:
                let tail = (secret.lastIndex(of: UInt8(ascii: "-")) ?? -1) + 1
                if KnownNonSecrets.hasRun(UnsafeBufferPointer(rebasing: secret[tail...])) { return false }
            case .passwordOrToken:
                let name = Array(buf[c.match.lowerBound..<c.secret.lowerBound]) + Array(buf[c.secret.upperBound..<c.match.upperBound])
                if !ValueFilters.namesAPassword(name), secret.count < 10 || !ValueFilters.isTokenOrChosen(secret) {
                    return false
                }
                // A bare `key` in a URL query names cache keys, map keys and ids as often as API keys: only a
                // value of a token's shape counts.
                if Self.isQueryKey(buf, before: c.secret.lowerBound), !ValueFilters.hasTokenShape(secret) { return false }
                // A value that starts with the prefix of a known format belongs to that format's rule: when
                // that rule did not take it (wrong length or alphabet), it is not that credential.
                if engine.formatPrefixes.contains(where: { KnownNonSecrets.hasPrefixIgnoringCase(secret, $0) }) { return false }
            }
        }
        if KnownNonSecrets.reason(secret, in: buf, at: c.secret.lowerBound, allowHex: rule.allowHex,
                                  allowUUID: rule.allowUUID, allowRuns: rule.allowRuns) != nil {
            return false
        }
        let lists = engine.allowlistsOf[c.rule]
        for a in lists {
            let target: Range<Int>
            switch a.spec.regexTarget {
            case .secret: target = c.secret
            case .match: target = c.match
            case .line: target = Self.lineStart(buf.baseAddress!, c.match.lowerBound, floor: 0)
                ..< Self.lineEnd(buf.baseAddress!, c.match.upperBound, ceiling: buf.count)
            case .name:
                var start = c.match.lowerBound
                while start > 0, start > c.match.lowerBound - 64, Self.isNameByte(buf[start - 1]) { start -= 1 }
                target = start..<c.match.upperBound
            }
            if a.allows(path: path, commit: commit, secret: secret, target: UnsafeBufferPointer(rebasing: buf[target]),
                        scratch: scratch) {
                return false
            }
        }
        return true
    }

    /// Overlapping candidates: the most confident one owns the span (valid before rejected, then longer,
    /// then earlier in the ruleset). A rejected owner suppresses the others, so a checksum-invalid GitHub
    /// token is not reported again by the generic rule.
    private func resolve() -> [BufferHit] {
        candidates.sort { $0.secret.lowerBound < $1.secret.lowerBound }
        var out: [BufferHit] = []
        var i = 0
        while i < candidates.count {
            var j = i + 1
            var end = candidates[i].secret.upperBound
            while j < candidates.count, candidates[j].secret.lowerBound < end {
                end = max(end, candidates[j].secret.upperBound)
                j += 1
            }
            if j == i + 1 {
                if candidates[i].valid { out.append(hit(candidates[i])) }
            } else {
                let cluster = candidates[i..<j].sorted { a, b in
                    if a.confidence != b.confidence { return a.confidence > b.confidence }
                    if a.valid != b.valid { return a.valid }
                    if a.secret.count != b.secret.count { return a.secret.count > b.secret.count }
                    return a.rule < b.rule
                }
                var owned: [Range<Int>] = []
                for c in cluster where !owned.contains(where: { $0.overlaps(c.secret) }) {
                    owned.append(c.secret)
                    if c.valid { out.append(hit(c)) }
                }
            }
            i = j
        }
        return out.sorted { ($0.secret.lowerBound, $0.rule) < ($1.secret.lowerBound, $1.rule) }
    }

    /// Whether the bytes before `at` are a query's bare key parameter: `?` or `&`, then the word, then `=`.
    static func isQueryKey(_ buf: UnsafeBufferPointer<UInt8>, before at: Int) -> Bool {
        guard at >= 5 else { return false }
        let sep = buf[at - 5], k = buf[at - 4] | 0x20, e = buf[at - 3] | 0x20, y = buf[at - 2] | 0x20
        return (sep == UInt8(ascii: "?") || sep == UInt8(ascii: "&")) && k == UInt8(ascii: "k") && e == UInt8(ascii: "e")
            && y == UInt8(ascii: "y") && buf[at - 1] == UInt8(ascii: "=")
    }

    /// Letters, digits and `_.-`: the bytes of an identifier or a dotted, dashed name.
    @inline(__always)
    static func isNameByte(_ b: UInt8) -> Bool {
        KnownNonSecrets.isAlphanumeric(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
    }

    private func hit(_ c: Candidate) -> BufferHit { BufferHit(rule: c.rule, secret: c.secret, match: c.match) }

    /// Whether the bytes at `p` are `spelling`, case included (the automaton found them in some case).
    @inline(__always)
    static func spelled(_ p: UnsafePointer<UInt8>, as spelling: [UInt8]) -> Bool {
        for (i, b) in spelling.enumerated() where p[i] != b { return false }
        return true
    }

    /// Start of the line containing `i`, but not before `floor`.
    @inline(__always)
    static func lineStart(_ base: UnsafePointer<UInt8>, _ i: Int, floor: Int) -> Int {
        // Glibc's memrchr is a GNU extension Swift does not see; windows are short, so a loop will do.
        var j = i - 1
        while j >= floor {
            if base[j] == 10 { return j + 1 }
            j -= 1
        }
        return floor
    }

    /// End of the line containing `i` (the newline's offset), but not after `ceiling`.
    @inline(__always)
    static func lineEnd(_ base: UnsafePointer<UInt8>, _ i: Int, ceiling: Int) -> Int {
        guard i < ceiling else { return ceiling }
        guard let p = memchr(base + i, 10, ceiling - i) else { return ceiling }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }
}

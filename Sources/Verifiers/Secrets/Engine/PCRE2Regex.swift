import CPCRE2

/// One compiled PCRE2 pattern in byte mode (no UTF checks: files are scanned as bytes, and invalid UTF-8
/// must never make a match fail), JIT-compiled when the platform allows it.
///
/// A compiled pattern is immutable, so one instance is shared by every scanning thread; each thread brings
/// its own `RegexScratch` (match data, limits, JIT stack).
final class PCRE2Regex: @unchecked Sendable {
    struct CompileError: Error, Sendable {
        /// PCRE2's message, such as "missing closing parenthesis".
        var message: String
        /// Byte offset in the pattern where PCRE2 gave up.
        var offset: Int
    }

    let pattern: String
    private let code: OpaquePointer
    /// Number of capturing groups (group 0, the whole match, not counted).
    let captureCount: Int
    let isJIT: Bool
    /// The bytes a match can start with, from PCRE2's own study of the pattern (its fixed first code unit,
    /// in both cases, or its start bitmap); nil when PCRE2 knows no such set. PCRE2 skips other start
    /// positions in an unanchored search, so a match of the same pattern tried anchored at a byte outside
    /// the set cannot succeed.
    let startBytes: [Bool]?

    /// `options`: PCRE2 compile options (`PCRE2_ANCHORED` for a pattern tried at chosen offsets only; set at
    /// compile time, because the JIT does not honour it at match time).
    init(_ pattern: String, options: UInt32 = 0) throws(CompileError) {
        self.pattern = pattern
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { p in
            pcre2_compile_8(p.baseAddress, p.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw CompileError(message: Self.message(for: errorCode), offset: errorOffset)
        }
        code = compiled
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        isJIT = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        startBytes = Self.startBytes(compiled)
    }

    private static func startBytes(_ code: OpaquePointer) -> [Bool]? {
        var type: UInt32 = 0
        guard pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTCODETYPE), &type) == 0 else { return nil }
        var table = [Bool](repeating: false, count: 256)
        if type == 1 {
            var unit: UInt32 = 0
            guard pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTCODEUNIT), &unit) == 0, unit < 256 else { return nil }
            // PCRE2 does not say whether the unit is caseless: both cases of a letter are taken.
            let b = UInt8(unit)
            table[Int(b)] = true
            if (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") { table[Int(b ^ 0x20)] = true }
            return table
        }
        guard type == 0 else { return nil }  // 2: at line starts only, which a table of bytes cannot say
        var bits: UnsafePointer<UInt8>?
        guard pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_FIRSTBITMAP), &bits) == 0, let bits else { return nil }
        for b in 0..<256 where bits[b >> 3] & (1 << UInt8(b & 7)) != 0 { table[b] = true }
        return table
    }

    deinit { pcre2_code_free_8(code) }

    /// The compile option that makes every match start at the offset it is tried at.
    static let anchoredOption = UInt32(PCRE2_ANCHORED)

    /// The number of the named group `name`, or nil when the pattern has no such group.
    func groupNumber(_ name: String) -> Int? {
        let n = name.withCString { s in
            s.withMemoryRebound(to: UInt8.self, capacity: name.utf8.count + 1) { pcre2_substring_number_from_name_8(code, $0) }
        }
        return n > 0 ? Int(n) : nil
    }

    enum Outcome {
        /// Offsets are in `scratch.ovector` (pairs of start and end, group 0 first).
        case match
        case noMatch
        /// The match or depth limit stopped a pathological search; the window is skipped.
        case limit
        case failed(Int32)
    }

    /// Searches `subject[from..<length]`. Bytes before `from` stay visible to lookbehinds, so a window in
    /// the middle of a file still sees its real left neighbour.
    @inline(__always)
    func match(_ subject: UnsafePointer<UInt8>, length: Int, from: Int, scratch: RegexScratch) -> Outcome {
        let rc = pcre2_match_8(code, subject, length, from, 0, scratch.matchData, scratch.context)
        if rc >= 0 { return .match }
        switch rc {
        case PCRE2_ERROR_NOMATCH, PCRE2_ERROR_PARTIAL: return .noMatch
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_JIT_STACKLIMIT, PCRE2_ERROR_HEAPLIMIT:
            return .limit
        default: return .failed(rc)
        }
    }

    /// Convenience for small inputs (configuration checks, allowlists on a secret, tests).
    func matches(_ bytes: some Collection<UInt8>, scratch: RegexScratch) -> Bool {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { p in
            // An empty array has no base address; give PCRE2 a valid pointer for a zero-length subject.
            guard let base = p.baseAddress else {
                var zero: UInt8 = 0
                return withUnsafePointer(to: &zero) { if case .match = match($0, length: 0, from: 0, scratch: scratch) { true } else { false } }
            }
            if case .match = match(base, length: p.count, from: 0, scratch: scratch) { return true }
            return false
        }
    }

    static func message(for errorCode: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<Int(n)], as: UTF8.self) : "PCRE2 error \(errorCode)"
    }
}

/// Per-thread PCRE2 state: match data sized for the largest pattern, a match context carrying the match
/// and depth limits, and a private JIT stack. Not shared between threads.
final class RegexScratch {
    let matchData: OpaquePointer
    let context: OpaquePointer
    private let jitStack: OpaquePointer?
    let pairs: Int

    /// - Parameters:
    ///   - captures: the largest capture count of the patterns this scratch serves.
    ///   - matchLimit: PCRE2's budget of backtracking steps per match attempt.
    ///   - depthLimit: PCRE2's nesting budget (interpreter only; the JIT is bounded by its stack).
    init(captures: Int, matchLimit: UInt32 = 200_000, depthLimit: UInt32 = 2_000) {
        pairs = captures + 1
        matchData = pcre2_match_data_create_8(UInt32(pairs), nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)
        pcre2_set_heap_limit_8(context, 20_000)  // KiB
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 512 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// Start and end of group `i` after a match, or nil when the group did not take part.
    @inline(__always)
    func group(_ i: Int) -> Range<Int>? {
        guard i < pairs else { return nil }
        let ov = pcre2_get_ovector_pointer_8(matchData)!
        let s = ov[2 * i], e = ov[2 * i + 1]
        // PCRE2_UNSET is ~0 as a size_t, which Swift sees as -1.
        if s < 0 || e < s { return nil }
        return s..<e
    }
}

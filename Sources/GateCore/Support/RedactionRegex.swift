import CPCRE2

/// One PCRE2 pattern for the redactor, in byte mode and JIT-compiled where the platform allows it.
///
/// PCRE2 rather than NSRegularExpression: it compiles in microseconds (ICU's engine took about 5 ms to start),
/// it matches UTF-8 bytes directly (the redactor works on bytes so that it can skip escape sequences and map
/// offsets back), and the secrets verifier already links it. That verifier has its own wrapper, tuned for
/// scanning files from many threads; GateCore cannot depend on a verifier, and this one only needs "every
/// match, left to right" on small texts.
final class RedactionRegex: @unchecked Sendable {
    private let code: OpaquePointer

    init(_ pattern: String) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { p in
            pcre2_compile_8(p.baseAddress, p.count, 0, &errorCode, &errorOffset, nil)
        }
        // The patterns are constants of this module; a test compiles each one.
        guard let compiled else { preconditionFailure("redaction pattern does not compile at \(errorOffset): \(pattern)") }
        code = compiled
        _ = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
    }

    deinit { pcre2_code_free_8(code) }

    /// Calls `found` with the byte range of `group` for every match, left to right. A match the backtracking
    /// limit stops ends the search (the redactor's patterns are linear, so that takes a hostile input).
    func forEachMatch(in subject: UnsafeBufferPointer<UInt8>, group: Int = 0, _ found: (Range<Int>) -> Void) {
        guard let base = subject.baseAddress, !subject.isEmpty else { return }
        let data = pcre2_match_data_create_from_pattern_8(code, nil)!
        defer { pcre2_match_data_free_8(data) }
        var from = 0
        while from <= subject.count {
            let rc = pcre2_match_8(code, base, subject.count, from, 0, data, nil)
            guard rc >= 0 else { return }
            let ov = pcre2_get_ovector_pointer_8(data)!
            let whole = ov[0]..<ov[1]
            // PCRE2_UNSET (~0 as a size_t) reads as -1: the group did not take part.
            let s = ov[2 * group], e = ov[2 * group + 1]
            if s >= 0, e > s { found(s..<e) }
            from = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
        }
    }
}

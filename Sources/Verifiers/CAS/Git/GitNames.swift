/// Name rules git's fsck applies to tree entries and tag names: the HFS+ and NTFS spellings of `.git`,
/// `.gitmodules` and friends (`utf8.c` is_hfs_dot*, `path.c` is_ntfs_dot*), and `check_refname_format`.
/// Names are raw bytes: git tree entry names need not be UTF-8.
enum GitNames {
    /// `.git` as HFS+ sees it: case-insensitive, ignoring the zero-width and direction code points HFS+ drops.
    static func isHFSDot(_ name: [UInt8], _ needle: String) -> Bool {
        var chars = HFSChars(name)
        guard chars.next() == 0x2e else { return false }
        for n in needle.utf8 {
            guard let c = chars.next(), c <= 127, lower(UInt8(c)) == n else { return false }
        }
        let c = chars.next()
        return c == 0 || c == 0x2f
    }

    /// `.git` as NTFS sees it: `.git` or `git~1`, then only spaces and dots (or a `:` stream name).
    static func isNTFSDotGit(_ name: [UInt8]) -> Bool {
        var i = 0
        func at(_ k: Int) -> UInt8 { k < name.count ? name[k] : 0 }
        if at(0) == 0x2e {
            guard lower(at(1)) == 0x67, lower(at(2)) == 0x69, lower(at(3)) == 0x74 else { return false }
            i = 4
        } else if lower(at(0)) == 0x67 {
            guard lower(at(1)) == 0x69, lower(at(2)) == 0x74, at(3) == 0x7e, at(4) == 0x31 else { return false }
            i = 5
        } else {
            return false
        }
        while true {
            let c = at(i)
            i += 1
            if c == 0 || c == 0x2f || c == 0x5c || c == 0x3a { return true }
            if c != 0x2e && c != 0x20 { return false }
        }
    }

    /// `.gitmodules` and the like under NTFS: the long name, the `gitmod~1`..`~4` short name, or the
    /// hashed fallback short name whose six-character prefix git precomputes.
    static func isNTFSDot(_ name: [UInt8], _ long: String, shortPrefix: String) -> Bool {
        func at(_ k: Int) -> UInt8 { k < name.count ? name[k] : 0 }
        func onlySpacesAndDots(from start: Int) -> Bool {
            var i = start
            while true {
                let c = at(i)
                i += 1
                if c == 0 || c == 0x3a { return true }
                if c != 0x20 && c != 0x2e { return false }
            }
        }
        let l = Array(long.utf8)
        if at(0) == 0x2e && name.count >= l.count + 1 && zip(name[1...l.count], l).allSatisfy({ lower($0) == $1 }) {
            return onlySpacesAndDots(from: l.count + 1)
        }
        if name.count >= 8 && zip(name[0..<6], l[0..<6]).allSatisfy({ lower($0) == $1 }) && at(6) == 0x7e
            && at(7) >= 0x31 && at(7) <= 0x34 {
            return onlySpacesAndDots(from: 8)
        }
        let prefix = Array(shortPrefix.utf8)
        var sawTilde = false
        var i = 0
        while i < 8 {
            let c = at(i)
            if c == 0 { return false }
            if sawTilde {
                if c < 0x30 || c > 0x39 { return false }
            } else if c == 0x7e {
                i += 1
                if at(i) < 0x31 || at(i) > 0x39 { return false }
                sawTilde = true
            } else if i >= 6 || c & 0x80 != 0 || lower(c) != prefix[i] {
                return false
            }
            i += 1
        }
        return onlySpacesAndDots(from: 8)
    }

    static func isDotGit(_ n: [UInt8]) -> Bool { isHFSDot(n, "git") || isNTFSDotGit(n) }
    static func isDotGitmodules(_ n: [UInt8]) -> Bool { isHFSDot(n, "gitmodules") || isNTFSDot(n, "gitmodules", shortPrefix: "gi7eba") }
    static func isDotGitattributes(_ n: [UInt8]) -> Bool {
        isHFSDot(n, "gitattributes") || isNTFSDot(n, "gitattributes", shortPrefix: "gi7d29")
    }
    static func isDotGitignore(_ n: [UInt8]) -> Bool { isHFSDot(n, "gitignore") || isNTFSDot(n, "gitignore", shortPrefix: "gi250a") }
    static func isDotMailmap(_ n: [UInt8]) -> Bool { isHFSDot(n, "mailmap") || isNTFSDot(n, "mailmap", shortPrefix: "maba30") }

    static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5a ? c + 32 : c }

    /// `check_refname_format(name, 0)` (refs.c): no component starts with `.` or ends with `.lock`, no `..`,
    /// `@{`, control characters, space, `~ ^ : ? * [ \`, no `//`, no trailing `/` or `.`, not `@`.
    static func isValidRefName(_ name: [UInt8]) -> Bool {
        guard !name.isEmpty, name != [0x40] else { return false }
        var components = 0
        var start = 0
        while true {
            var end = start
            var last: UInt8 = 0
            while end < name.count && name[end] != 0x2f {
                let c = name[end]
                if c < 0x20 || c == 0x7f || c == 0x20 || c == 0x7e || c == 0x5e || c == 0x3a || c == 0x3f || c == 0x2a
                    || c == 0x5b || c == 0x5c { return false }
                if c == 0x2e && last == 0x2e { return false }
                if c == 0x7b && last == 0x40 { return false }
                last = c
                end += 1
            }
            let length = end - start
            if length == 0 { return false }
            if name[start] == 0x2e { return false }
            if length >= 5 && Array(name[(end - 5)..<end]) == Array(".lock".utf8) { return false }
            components += 1
            if end == name.count { break }
            start = end + 1
        }
        return name.last != 0x2e && components >= 2
    }
}

/// Code points of a name as `next_hfs_char` yields them: ignorable ones skipped, 0 at the end or at the
/// first malformed UTF-8 sequence.
struct HFSChars {
    let bytes: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> UInt32? {
        while true {
            guard i < bytes.count else { return 0 }
            guard let c = decode() else { return 0 }
            switch c {
            case 0x200c...0x200f, 0x202a...0x202e, 0x206a...0x206f, 0xfeff: continue
            default: return c
            }
        }
    }

    private mutating func decode() -> UInt32? {
        let b0 = bytes[i]
        if b0 < 0x80 { i += 1; return UInt32(b0) }
        let n: Int
        var c: UInt32
        switch b0 {
        case 0xc2...0xdf: n = 1; c = UInt32(b0 & 0x1f)
        case 0xe0...0xef: n = 2; c = UInt32(b0 & 0x0f)
        case 0xf0...0xf4: n = 3; c = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + n < bytes.count else { return nil }
        for k in 1...n {
            let b = bytes[i + k]
            guard b & 0xc0 == 0x80 else { return nil }
            c = c << 6 | UInt32(b & 0x3f)
        }
        i += n + 1
        return c
    }
}

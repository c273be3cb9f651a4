#if canImport(Glibc)
import Glibc
#endif

/// Trees as git's fsck reads them: entries decoded like `decode_tree_entry` (tree-walk.c), references
/// like `fsck_walk_tree` (directories are trees, files and symlinks blobs, gitlinks and odd modes are not
/// followed), and the `--strict` checks of `fsck_tree` (fsck.c) with the same message ids, including the
/// entry order git sorts by (a directory sorts as if its name ended in '/').
enum TreeParser {
    static let maxEntryLength = 4096

    private struct Entry {
        var mode: UInt32 = 0
        var modeStart = 0
        var nameStart = 0
        var nameLength = 0
        var idStart = 0
        var next = 0
    }

    /// `decode_tree_entry` at `p`; nil when malformed.
    private static func decode(_ b: UnsafeRawBufferPointer, at p: Int, width: Int) -> Entry? {
        let n = b.count
        let size = n - p
        guard size >= width + 3, b[n - width - 1] == 0 else { return nil }
        var q = p
        guard b[q] != 0x20 else { return nil }
        var mode: UInt32 = 0
        while true {
            guard q < n else { return nil }
            let c = b[q]
            q += 1
            if c == 0x20 { break }
            guard c >= 0x30 && c <= 0x37 else { return nil }
            mode = (mode << 3) &+ UInt32(c - 0x30)
        }
        guard q < n, b[q] != 0 else { return nil }
        guard let nul = memchr(b.baseAddress! + q, 0, n - q) else { return nil }
        let nameLength = b.baseAddress!.distance(to: UnsafeRawPointer(nul)) - q
        guard nameLength + 1 <= n - q - width else { return nil }
        return Entry(mode: mode, modeStart: p, nameStart: q, nameLength: nameLength, idStart: q + nameLength + 1,
                     next: q + nameLength + 1 + width)
    }

    static func parse(_ b: UnsafeRawBufferPointer, sink: ObjectSink, strict: Bool) {
        let width = sink.width
        guard b.count > 0 else { return }
        guard var entry = decode(b, at: 0, width: width) else {
            sink.report(.badTree, "cannot be parsed as a tree")
            return
        }
        var flags = Flags()
        var previous: Entry?
        var candidates: [(Int, Int)] = []
        let base = b.baseAddress!
        while true {
            let name = UnsafeRawBufferPointer(start: base + entry.nameStart, count: entry.nameLength)
            flags.nullID = flags.nullID || isNull(base + entry.idStart, width)
            if memchr(name.baseAddress!, 0x2f, name.count) != nil { flags.fullPath = true }
            if name.count == 1 && name[0] == 0x2e { flags.dot = true }
            if name.count == 2 && name[0] == 0x2e && name[1] == 0x2e { flags.dotdot = true }
            if b[entry.modeStart] == 0x30 { flags.zeroPad = true }
            if entry.nameLength > maxEntryLength { flags.large = true }
            if mayNeedNameChecks(name) { nameChecks(name, entry: entry, base: base, sink: sink, flags: &flags) }
            // The next entry must decode before this one counts (`update_tree_entry_gently`).
            var following: Entry?
            if entry.next < b.count {
                guard let f = decode(b, at: entry.next, width: width) else {
                    sink.report(.badTree, "cannot be parsed as a tree")
                    break
                }
                following = f
            }
            switch entry.mode & 0o170000 {
            case 0o040000: sink.edge(base + entry.idStart, .tree)
            case 0o100000, 0o120000: sink.edge(base + entry.idStart, .blob)
            default: break  // gitlinks (and modes git canonicalises to gitlinks) are not followed
            }
            switch entry.mode {
            case 0o100755, 0o100644, 0o120000, 0o040000, 0o160000: break
            case 0o100664: if strict { flags.badMode = true }
            default: flags.badMode = true
            }
            if let prev = previous {
                switch order(b, prev, entry, &candidates) {
                case .unordered: flags.unsorted = true
                case .duplicate: flags.duplicates = true
                case .ordered: break
                }
            }
            previous = entry
            guard let f = following else { break }
            entry = f
        }
        flags.report(sink)
    }

    private struct Flags {
        var nullID = false, fullPath = false, dot = false, dotdot = false, dotgit = false, zeroPad = false
        var badMode = false, duplicates = false, unsorted = false, large = false

        func report(_ sink: ObjectSink) {
            if nullID { sink.report(.nullSha1, "contains entries pointing to null sha1") }
            if fullPath { sink.report(.fullPathname, "contains full pathnames") }
            if dot { sink.report(.hasDot, "contains '.'") }
            if dotdot { sink.report(.hasDotdot, "contains '..'") }
            if dotgit { sink.report(.hasDotgit, "contains '.git'") }
            if zeroPad { sink.report(.zeroPaddedFilemode, "contains zero-padded file modes") }
            if badMode { sink.report(.badFilemode, "contains bad file modes") }
            if duplicates { sink.report(.duplicateEntries, "contains duplicate file entries") }
            if unsorted { sink.report(.treeNotSorted, "not properly sorted") }
            if large { sink.report(.largePathname, "contains excessively large pathname") }
        }
    }

    /// Only names that could spell `.git`, `.gitmodules` and friends (HFS+ ignorable code points start
    /// with 0xE2 or 0xEF; NTFS short names with g or m), or that hold a backslash, need the slow checks.
    @inline(__always)
    private static func mayNeedNameChecks(_ name: UnsafeRawBufferPointer) -> Bool {
        switch name[0] {
        case 0x2e, 0x67, 0x47, 0x6d, 0x4d, 0xe2, 0xef: return true
        default: return memchr(name.baseAddress!, 0x5c, name.count) != nil
        }
    }

    private static func nameChecks(_ raw: UnsafeRawBufferPointer, entry: Entry, base: UnsafeRawPointer, sink: ObjectSink,
                                   flags: inout Flags) {
        let name = Array(raw)
        let id = base + entry.idStart
        let symlink = entry.mode & 0o170000 == 0o120000
        if GitNames.isDotGit(name) { flags.dotgit = true }
        if GitNames.isDotGitmodules(name) {
            if symlink {
                sink.report(.gitmodulesSymlink, ".gitmodules is a symbolic link")
            } else {
                sink.gitmodules.append(contentsOf: UnsafeRawBufferPointer(start: id, count: sink.width))
            }
        }
        if GitNames.isDotGitattributes(name) {
            if symlink {
                sink.report(.gitattributesSymlink, ".gitattributes is a symlink")
            } else {
                sink.gitattributes.append(contentsOf: UnsafeRawBufferPointer(start: id, count: sink.width))
            }
        }
        if symlink {
            if GitNames.isDotGitignore(name) { sink.report(.gitignoreSymlink, ".gitignore is a symlink") }
            if GitNames.isDotMailmap(name) { sink.report(.mailmapSymlink, ".mailmap is a symlink") }
        }
        var i = 0
        while let slash = name[i...].firstIndex(of: 0x5c) {
            let rest = Array(name[(slash + 1)...])
            if GitNames.isNTFSDotGit(rest) { flags.dotgit = true }
            if GitNames.isNTFSDot(rest, "gitmodules", shortPrefix: "gi7eba") {
                if symlink {
                    sink.report(.gitmodulesSymlink, ".gitmodules is a symbolic link")
                } else {
                    sink.gitmodules.append(contentsOf: UnsafeRawBufferPointer(start: id, count: sink.width))
                }
            }
            i = slash + 1
        }
    }

    private enum Order { case ordered, unordered, duplicate }

    /// `verify_ordered`, with its stack of file names that a later directory of the same name would
    /// duplicate ("foo", "foo.bar", "foo/" is a duplicate though not adjacent).
    private static func order(_ b: UnsafeRawBufferPointer, _ e1: Entry, _ e2: Entry, _ stack: inout [(Int, Int)]) -> Order {
        let base = b.baseAddress!
        let len = min(e1.nameLength, e2.nameLength)
        let cmp = memcmp(base + e1.nameStart, base + e2.nameStart, len)
        if cmp < 0 { return .ordered }
        if cmp > 0 { return .unordered }
        var c1: UInt8 = e1.nameLength > len ? b[e1.nameStart + len] : 0
        var c2: UInt8 = e2.nameLength > len ? b[e2.nameStart + len] : 0
        if c1 == 0 && c2 == 0 { return .duplicate }
        if c1 == 0 && e1.mode & 0o170000 == 0o040000 { c1 = 0x2f }
        if c2 == 0 && e2.mode & 0o170000 == 0o040000 { c2 = 0x2f }
        if c1 == 0 && lessThanSlash(c2) {
            stack.append((e1.nameStart, e1.nameLength))
        } else if c2 == 0x2f && lessThanSlash(c1) {
            while let (start, length) = stack.popLast() {
                guard length <= e2.nameLength, memcmp(base + start, base + e2.nameStart, length) == 0 else { continue }
                if length == e2.nameLength { return .duplicate }
                if lessThanSlash(b[e2.nameStart + length]) {
                    stack.append((start, length))
                    break
                }
            }
        }
        return c1 < c2 ? .ordered : .unordered
    }

    @inline(__always)
    private static func lessThanSlash(_ c: UInt8) -> Bool { c > 0 && c < 0x2f }

    @inline(__always)
    private static func isNull(_ p: UnsafeRawPointer, _ width: Int) -> Bool {
        for i in 0..<width where p.load(fromByteOffset: i, as: UInt8.self) != 0 { return false }
        return true
    }
}

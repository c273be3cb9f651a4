import Foundation

/// Path arithmetic on strings (no Foundation URL round trips on hot paths).
public enum PathUtil {
    /// `path` if absolute, else `base/path`, normalised (`.` and `..` collapsed, no trailing slash).
    public static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base.hasSuffix("/") ? base + path : base + "/" + path)
        return normalize(joined)
    }

    /// Collapses `.`, `..` and repeated slashes in an absolute or relative path.
    public static func normalize(_ path: String) -> String {
        if isNormal(path) { return path }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let body = parts.joined(separator: "/")
        if absolute { return "/" + body }
        return body.isEmpty ? "." : body
    }

    /// True when `normalize` would return `path` unchanged: not empty, no empty, `.` or `..` component,
    /// and no trailing slash (except the root itself). One pass over the bytes; most paths gate sees are
    /// already normal, and this runs several times per check.
    static func isNormal(_ path: String) -> Bool {
        path.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let n = bytes.count
            guard n > 1 else { return n == 1 }  // "", or one character ("/", ".", "a"), which stays as it is
            let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
            var start = bytes[0] == slash ? 1 : 0
            while start <= n {
                var end = start
                while end < n && bytes[end] != slash { end += 1 }
                let len = end - start
                if len == 0 { return false }
                if bytes[start] == dot && (len == 1 || (len == 2 && bytes[start + 1] == dot)) { return false }
                start = end + 1
            }
            return true
        } ?? false
    }

    /// `path` relative to `base` when it lies inside it; otherwise `path` unchanged.
    public static func relative(_ path: String, to base: String) -> String {
        let p = normalize(path), b = normalize(base)
        if p == b { return "." }
        let prefix = b == "/" ? "/" : b + "/"
        return p.hasPrefix(prefix) ? String(p.dropFirst(prefix.count)) : p
    }

    /// True when `path` is `base` or lies under it (after normalisation).
    public static func isInside(_ path: String, _ base: String) -> Bool {
        let p = normalize(path), b = normalize(base)
        return p == b || p.hasPrefix(b == "/" ? "/" : b + "/")
    }

    /// The current directory, absolute.
    public static var currentDirectory: String { FileManager.default.currentDirectoryPath }

    /// Makes `path` absolute against the current directory.
    public static func absolute(_ path: String) -> String { resolve(path, against: currentDirectory) }

    /// The last component.
    public static func basename(_ path: String) -> String {
        String(normalize(path).split(separator: "/").last ?? "")
    }

    /// Everything but the last component.
    public static func dirname(_ path: String) -> String {
        let n = normalize(path)
        guard let slash = n.lastIndex(of: "/") else { return "." }
        return slash == n.startIndex ? "/" : String(n[..<slash])
    }

    /// A path for messages: relative to the current directory when inside it.
    public static func display(_ path: String) -> String { relative(path, to: currentDirectory) }
}

import Foundation

/// Opens a directory below a base directory one component at a time (`openat` with `O_NOFOLLOW`), so that
/// no symlink on the way leads out of the base: a link is followed only when the directory it reaches
/// is still under the base (checked on the opened descriptor, not on a path that could change after).
/// Used for report paths a suite names, which must stay under the working or the reports directory.
public enum ConfinedDirectory {
    public enum Problem: Error, Sendable, Equatable {
        /// `link` (relative to the base) is a symlink to `target`, which is outside `base`.
        case escapes(link: String, target: String, base: String)
        /// `link` is a symlink whose target does not exist.
        case dangling(link: String)
        /// `path` lies outside the base before any link is followed (`..`, an absolute path).
        case outside(path: String)
        /// A system call failed on `component`.
        case failed(component: String, errno: Int32)

        public var message: String {
            switch self {
            case .escapes(let link, let target, let base):
                "'\(link)' is a symbolic link to '\(target)', outside '\(base)'"
            case .dangling(let link):
                "'\(link)' is a symbolic link to a directory that does not exist"
            case .outside(let path):
                "'\(path)' is outside the directory it must stay in"
            case .failed(let component, let code):
                "'\(component)': \(String(cString: strerror(code)))"
            }
        }

        /// True for the problems only a symlink or `..` causes (not permissions or a full disk).
        public var isEscape: Bool {
            switch self {
            case .escapes, .dangling, .outside: true
            case .failed: false
            }
        }
    }

    /// A descriptor for `path` (absolute), which must be `base` or under it, creating missing directories
    /// when `create`. `base` itself is trusted and created when missing. The caller closes the descriptor.
    public static func open(_ path: String, within base: String, create: Bool) -> Result<Int32, Problem> {
        guard PathUtil.isInside(path, base) else { return .failure(.outside(path: path)) }
        if create && !FileManager.default.fileExists(atPath: base) {
            try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        }
        var fd = Glibc.open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.failed(component: base, errno: errno)) }
        guard let baseReal = realPath(of: fd) else {
            close(fd)
            return .failure(.failed(component: base, errno: errno))
        }
        var walked = ""
        let relative = PathUtil.relative(path, to: base)
        for component in relative == "." ? [] : relative.split(separator: "/").map(String.init) {
            walked += (walked.isEmpty ? "" : "/") + component
            switch step(fd, component, walked: walked, baseReal: baseReal, create: create) {
            case .success(let next):
                close(fd)
                fd = next
            case .failure(let problem):
                close(fd)
                return .failure(problem)
            }
        }
        return .success(fd)
    }

    private static func step(_ fd: Int32, _ name: String, walked: String, baseReal: String,
                             create: Bool) -> Result<Int32, Problem> {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        var next = openat(fd, name, flags | O_NOFOLLOW)
        if next < 0 && errno == ENOENT && create {
            if mkdirat(fd, name, 0o755) != 0 && errno != EEXIST { return .failure(.failed(component: walked, errno: errno)) }
            next = openat(fd, name, flags | O_NOFOLLOW)
        }
        if next >= 0 { return .success(next) }
        let code = errno
        guard code == ELOOP || code == ENOTDIR else { return .failure(.failed(component: walked, errno: code)) }
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0, (st.st_mode & S_IFMT) == S_IFLNK else {
            return .failure(.failed(component: walked, errno: ENOTDIR))
        }
        // A symlink: follow it, then judge where the opened directory really is.
        let followed = openat(fd, name, flags)
        guard followed >= 0 else {
            return errno == ENOENT ? .failure(.dangling(link: walked)) : .failure(.failed(component: walked, errno: errno))
        }
        guard let real = realPath(of: followed), PathUtil.isInside(real, baseReal) else {
            let target = realPath(of: followed) ?? "?"
            close(followed)
            return .failure(.escapes(link: walked, target: target, base: baseReal))
        }
        return .success(followed)
    }

    /// Where an open descriptor really is, from /proc (nil when /proc cannot say; callers then refuse).
    static func realPath(of fd: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/fd/\(fd)", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

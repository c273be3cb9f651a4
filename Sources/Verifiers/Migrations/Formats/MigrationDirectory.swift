import Foundation
import GateCore

/// The migrations folder: listing, and reading files as UTF-8 text with clear errors.
struct MigrationDirectory: Sendable {
    /// Absolute path of the folder.
    let path: String
    /// The check's root, for relative paths in findings.
    let root: String
    /// The folder relative to the root, for messages.
    let shown: String

    init(path: String, root: String) {
        self.path = path
        self.root = root
        shown = PathUtil.relative(path, to: root)
    }

    /// Fails when the folder is missing, so that a typo in 'directory' is not read as "no migrations".
    func requireExists() throws(VerifierError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VerifierError("the migrations directory '\(shown)' does not exist; check the 'directory' parameter "
                + "(relative paths resolve against the check's root)")
        }
        guard isDirectory.boolValue else {
            throw VerifierError("'\(shown)' is not a directory; 'directory' must name the folder that holds the migrations")
        }
    }

    /// Names directly inside `sub` (a path relative to the folder, "" for the folder itself), sorted by bytes.
    func names(in sub: String = "") throws(VerifierError) -> [String] {
        let dir = sub.isEmpty ? path : path + "/" + sub
        do {
            return try FileManager.default.contentsOfDirectory(atPath: dir)
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        } catch {
            throw VerifierError("cannot list '\(PathUtil.relative(dir, to: root))': \((error as NSError).localizedDescription)")
        }
    }

    func isDirectory(_ relative: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "/" + relative)
    }

    /// Every file below the folder (relative paths), sorted; hidden entries are skipped.
    func walk() throws(VerifierError) -> [String] {
        var out: [String] = []
        var stack = [""]
        while let sub = stack.popLast() {
            for name in try names(in: sub) where !name.hasPrefix(".") {
                let rel = sub.isEmpty ? name : sub + "/" + name
                if isDirectory(rel) { stack.append(rel) } else { out.append(rel) }
            }
        }
        return out.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The versions of `<version>_<name>.down.sql` files directly in the folder.
    func downFileVersions() throws(VerifierError) -> Set<MigrationVersion> {
        Set(try names().compactMap { name -> MigrationVersion? in
            guard name.hasSuffix(".down.sql"), let underscore = name.firstIndex(of: "_") else { return nil }
            return MigrationVersion.numeric(String(name[..<underscore]))
        })
    }

    /// The path of `relative` (inside the folder) relative to the check's root.
    func display(_ relative: String) -> String {
        // Computed once for the folder: normalising 10,000 paths one by one showed in profiles.
        if shown == "." { return relative }
        return shown.hasPrefix("/") || shown.hasPrefix("..") ? PathUtil.relative(path + "/" + relative, to: root) : shown + "/" + relative
    }

    /// Reads a migration file. Fails on I/O errors and on malformed UTF-8, naming the byte and line:
    /// migration tools read scripts as UTF-8 text (Flyway and sqlx refuse malformed input).
    func read(_ relative: String) throws(VerifierError) -> [UInt8] {
        let full = path + "/" + relative
        let bytes: [UInt8]
        switch RawFile.read(full) {
        case .success(let b): bytes = b
        case .failure(let reason):
            throw VerifierError("cannot read the migration '\(display(relative))': \(reason)")
        }
        if let bad = UTF8Validation.firstInvalidOffset(bytes) {
            let line = bytes[..<bad].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            throw VerifierError("the migration '\(display(relative))' is not valid UTF-8 (byte 0x"
                + String(bytes[bad], radix: 16, uppercase: true) + " at offset \(bad), line \(line)); "
                + "save it as UTF-8: migration tools read scripts as UTF-8 text")
        }
        return bytes
    }
}

/// Whole-file reads with read(2), reporting errno in words.
enum RawFile {
    /// Larger than any real migration script, small enough to hold in memory.
    static let maxSize = 256 << 20

    static func read(_ path: String) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return .failure(Failure(errno)) }
        defer { close(fd) }
        var st = stat()
        var capacity = 64 * 1024
        guard fstat(fd, &st) == 0 else { return .failure(Failure(errno)) }
        // A FIFO or device would block or never end; a huge file would be read whole into memory.
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure(Failure(message: "it is not a regular file")) }
        guard st.st_size <= maxSize else {
            return .failure(Failure(message: "it is \(st.st_size) bytes, more than the \(maxSize >> 20) MiB gate reads "
                                    + "for one migration script"))
        }
        if st.st_size > 0 { capacity = Int(st.st_size) + 1 }
        var out = [UInt8]()
        out.reserveCapacity(capacity)
        var chunk = [UInt8](repeating: 0, count: min(max(capacity, 4096), 1 << 20))
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Failure(errno))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return .success(out)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ code: Int32) { description = String(cString: strerror(code)) }
        init(message: String) { description = message }
    }
}

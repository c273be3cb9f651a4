import ContentHash
import Foundation
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// Writes files into a native store (`gate cas put`). Each file is copied to a temporary file in
/// `objects/` while it is hashed, synced, then renamed to `objects/<2 hex>/<30 hex>`, so a reader never
/// sees half an object and an interrupted put leaves only a temporary file that `cas/partial-write`
/// reports. An object already present is left alone.
public enum CASStorePut {
    public struct Added: Sendable, Equatable {
        public let file: String
        public let digest: String
        public let size: Int
        /// False when the store already had it.
        public let written: Bool
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Puts `files` into the store at `store` (created when missing); with `manifest`, also writes
    /// `manifests/<manifest>.json` listing them.
    public static func put(_ files: [String], store: String, manifest: String? = nil) throws(Failure) -> [Added] {
        let objects = store + "/objects"
        do {
            try AtomicFile.makeDirectory(objects)
            if !StoreNames.isFile(store + "/format") {
                try AtomicFile.write("\(NativeStore.formatName) \(NativeStore.version)\n", to: store + "/format")
            }
        } catch {
            throw Failure(message: error.description)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        var added: [Added] = []
        for file in files {
            added.append(try putOne(file, objects: objects, buffer: buffer))
        }
        if let manifest {
            guard !manifest.isEmpty, !manifest.contains("/"), !manifest.hasPrefix(".") else {
                throw Failure(message: "manifest name '\(manifest)' must be a plain file name")
            }
            let text = NativeManifest.render(name: manifest, entries: added.map { ($0.digest, $0.size, PathUtil.basename($0.file)) })
            do { try AtomicFile.write(text, to: store + "/manifests/" + manifest + ".json") } catch {
                throw Failure(message: error.description)
            }
        }
        return added
    }

    private static func putOne(_ file: String, objects: String,
                               buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Added {
        let src = open(file, O_RDONLY | O_CLOEXEC)
        guard src >= 0 else { throw Failure(message: "cannot read '\(file)': \(String(cString: strerror(errno)))") }
        defer { close(src) }
        let tmp = objects + "/.put-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"
        let dst = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard dst >= 0 else { throw Failure(message: "cannot write '\(tmp)': \(String(cString: strerror(errno)))") }
        var keep = false
        defer { if !keep { unlink(tmp) } }
        let hasher = StreamingHasher(.xxh3_128)
        var size = 0
        while true {
            let n = read(src, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                close(dst)
                throw Failure(message: "cannot read '\(file)': \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            var off = 0
            while off < n {
                let w = write(dst, buffer.baseAddress! + off, n - off)
                if w < 0 {
                    if errno == EINTR { continue }
                    close(dst)
                    throw Failure(message: "cannot write '\(tmp)': \(String(cString: strerror(errno)))")
                }
                off += w
            }
            size += n
        }
        let synced = fsync(dst) == 0
        close(dst)
        guard synced else { throw Failure(message: "cannot sync '\(tmp)': \(String(cString: strerror(errno)))") }
        let digest = hasher.finalize().hex
        let dir = objects + "/" + digest.prefix(2)
        let final = dir + "/" + digest.dropFirst(2)
        if StoreNames.isFile(final) { return Added(file: file, digest: digest, size: size, written: false) }
        do { try AtomicFile.makeDirectory(dir) } catch { throw Failure(message: error.description) }
        guard rename(tmp, final) == 0 else {
            throw Failure(message: "cannot rename into '\(final)': \(String(cString: strerror(errno)))")
        }
        keep = true
        return Added(file: file, digest: digest, size: size, written: true)
    }
}

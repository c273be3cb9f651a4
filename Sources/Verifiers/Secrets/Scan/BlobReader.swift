import Foundation

/// Reads files of the repository as a commit (or the index) has them, through one long-lived
/// `git cat-file --batch`: history scans ask it for the lines around a changed hunk when a multi-line
/// secret (a PEM block whose body was rotated in place) may reach beyond git's diff context.
final class BlobReader {
    private let root: String
    private let environment: [String: String]
    private var process: Process?
    private var input: FileHandle?
    private var outputHandle: FileHandle?
    private var output: Int32 = -1
    private var broken = false
    private var buffer: [UInt8] = []
    /// The last blob read, which the next hunks of the same file usually want again.
    private var lastSpec: String?
    private var lastBlob: [UInt8]?
    /// Blobs read (for the stats).
    private(set) var reads = 0

    /// Larger blobs are not read: the hunk is scanned with git's context only.
    static let maxBlob = 8 << 20

    init(root: String, environment: [String: String]) {
        self.root = root
        self.environment = environment
    }

    deinit { close() }

    /// `<commit>:<path>`, or `:<path>` for the index; nil when it cannot be had (missing, too large, a path
    /// git's batch format cannot carry, git gone).
    func blob(_ spec: String) -> [UInt8]? {
        if spec == lastSpec { return lastBlob }
        guard !broken, !spec.contains("\n"), start() else { return nil }
        lastSpec = spec
        lastBlob = nil
        guard let input, (try? input.write(contentsOf: Data((spec + "\n").utf8))) != nil,
              let header = readLine() else {
            broken = true
            return nil
        }
        // "<oid> blob <size>" or "<spec> missing" / "ambiguous".
        let parts = header.split(separator: 32)
        guard parts.count == 3, parts[1].elementsEqual("blob".utf8),
              let size = Int(String(decoding: parts[2], as: UTF8.self)) else { return nil }
        reads += 1
        guard size <= Self.maxBlob else {
            if !skip(size + 1) { broken = true }
            return nil
        }
        guard let body = readBytes(size + 1) else {
            broken = true
            return nil
        }
        lastBlob = Array(body.dropLast())
        return lastBlob
    }

    private func start() -> Bool {
        if process != nil { return true }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git"] + GitDiffScan.boundedGitMemory + ["cat-file", "--batch"]
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        p.environment = environment
        let inPipe = Pipe(), outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch {
            broken = true
            return false
        }
        process = p
        input = inPipe.fileHandleForWriting
        outputHandle = outPipe.fileHandleForReading
        output = outPipe.fileHandleForReading.fileDescriptor
        return true
    }

    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            buffer += chunk[0..<n]
            return true
        }
    }

    private func readLine() -> [UInt8]? {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = Array(buffer[..<nl])
                buffer.removeFirst(nl + 1)
                return line
            }
            guard fill() else { return nil }
        }
    }

    /// Exactly `n` bytes, read straight into their array.
    private func readBytes(_ n: Int) -> [UInt8]? {
        let have = min(n, buffer.count)
        var out = Array(buffer[..<have])
        buffer.removeFirst(have)
        guard have < n else { return out }
        out += [UInt8](repeating: 0, count: n - have)
        var at = have
        while at < n {
            let r = out.withUnsafeMutableBytes { read(output, $0.baseAddress! + at, n - at) }
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else { return nil }
            at += r
        }
        return out
    }

    /// Reads and drops `n` bytes (the body of a blob too large to scan), to stay in step with git.
    private func skip(_ n: Int) -> Bool {
        var left = n
        let have = min(left, buffer.count)
        buffer.removeFirst(have)
        left -= have
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while left > 0 {
            let r = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, min(left, $0.count)) }
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else { return false }
            left -= r
        }
        return true
    }

    func close() {
        guard let p = process else { return }
        try? input?.close()
        p.waitUntilExit()
        process = nil
    }
}

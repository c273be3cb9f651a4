import Foundation
import GateCore

/// Reads every source file the walker found and runs its language's extractor, on all cores.
/// Unreadable, binary, non-UTF-8 and oversized files are skipped and counted, never fatal.
enum ImportScanner {
    struct Result: Sendable {
        var files: [ScannedFile] = []
        var skipped: [(path: String, reason: SkipReason)] = []
        var bytes = 0
    }

    static func scan(root: String, sources: [(path: String, language: Language)],
                     progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Result {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, sources.count))
        let parts = try await withThrowingTaskGroup(of: [Int: Outcome].self) { group in
            for w in 0..<workers {
                group.addTask {
                    var out: [Int: Outcome] = [:]
                    var k = w
                    var done = 0
                    while k < sources.count {
                        if done % 256 == 0 { try Task.checkCancellation() }
                        let (path, language) = sources[k]
                        out[k] = scanOne(root + "/" + path, relative: path, language: language)
                        done += 1
                        if w == 0 && done % 2048 == 0 { progress(done * workers) }
                        k += workers
                    }
                    return out
                }
            }
            var all: [[Int: Outcome]] = []
            for try await part in group { all.append(part) }
            return all
        }
        var merged = [Outcome?](repeating: nil, count: sources.count)
        for part in parts { for (k, v) in part { merged[k] = v } }
        var result = Result()
        result.files.reserveCapacity(sources.count)
        for (k, outcome) in merged.enumerated() {
            switch outcome {
            case .file(let f, let size)?:
                result.files.append(f)
                result.bytes += size
            case .skipped(let reason)?:
                result.skipped.append((sources[k].path, reason))
            case nil:
                break
            }
        }
        return result
    }

    enum Outcome: Sendable {
        case file(ScannedFile, Int)
        case skipped(SkipReason)
    }

    static func scanOne(_ full: String, relative: String, language: Language) -> Outcome {
        switch FileBytes.read(full, python: language == .python) {
        case .skipped(let reason):
            return .skipped(reason)
        case .text(let bytes):
            let file = bytes.withUnsafeBufferPointer { extract($0, path: relative, language: language) }
            return .file(file, bytes.count)
        }
    }

    /// Runs the extractor for `language` over a file's bytes.
    static func extract(_ b: UnsafeBufferPointer<UInt8>, path: String, language: Language) -> ScannedFile {
        switch language {
        case .python:
            var file = ScannedFile(path: path, language: language, imports: PythonImports.extract(b))
            file.syntaxError = PythonSyntax.check(b)
            return file
        case .swift:
            return ScannedFile(path: path, language: language, imports: SwiftImports.extract(b))
        case .typescript:
            return ScannedFile(path: path, language: language, imports: JavaScriptImports.extract(b))
        case .go:
            let (imports, package) = GoImports.extract(b)
            return ScannedFile(path: path, language: language, imports: imports, declaredPackage: package)
        case .rust:
            return ScannedFile(path: path, language: language, imports: RustImports.extract(b))
        case .java:
            let (imports, package) = JavaImports.extract(b)
            return ScannedFile(path: path, language: language, imports: imports, declaredPackage: package)
        case .c:
            return ScannedFile(path: path, language: language, imports: CIncludes.extract(b))
        }
    }
}

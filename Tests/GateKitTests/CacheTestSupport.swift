import Foundation
import GateCore
import GateKit
import GateReports
import GateStore
import GateTestSupport
import Testing

/// Runs suites through the real pipeline with the result cache on, for the cache and shard tests.
struct CachedRunner {
    let dir: TempDir
    var environment = ProcessInfo.processInfo.environment
    var version = GateVersion.current

    init(_ dir: TempDir) { self.dir = dir }

    func suite(_ file: String = "suite.yaml") throws -> Suite {
        try SuiteLoader(registry: BuiltinVerifiers.registry, workingDirectory: dir.path).load(file)
    }

    func options(shard: ShardSlice? = nil, reports: String = "Reports") -> RunOptions {
        var o = RunOptions(jobs: 2, reportsDirectory: dir.file(reports), environment: environment)
        o.cacheVersion = version
        o.shard = shard
        return o
    }

    /// One run; the report's checks by id.
    func run(_ file: String = "suite.yaml", cache: Bool = true, shard: ShardSlice? = nil,
             reports: ReportSet = ReportSet()) async throws -> RunReport {
        var run = try GateRun(suite: try suite(file), options: options(shard: shard), reports: reports)
        run.useCache = cache
        let result = await run.execute()
        #expect(result.writeFailures.isEmpty, "\(result.writeFailures)")
        return result.report
    }

    /// The absolute input files of a check, as the cache sees them.
    func inputs(of id: String, file: String = "suite.yaml") throws -> [String] {
        let suite = try suite(file)
        var o = options()
        o.cache = try ResultCache.open(stateDirectory: suite.root + "/.gate")
        let check = try #require(suite.check(id))
        let builder = try #require(Scheduler(options: o).cacheKeyBuilder(for: check, in: suite), "'\(id)' is not cached")
        return try builder.inputFiles()
    }

    /// Files written just now may change again within the same timestamp tick, so the stat cache does not
    /// trust them yet; waiting past its margin lets a warm run answer from the stat cache.
    static func settle() async throws { try await Task.sleep(for: .milliseconds(250)) }
}

extension RunReport {
    func check(_ id: String) -> CheckResult? { checks.first { $0.id == id } }
}

/// Appends a byte to a file, keeping the rest.
func appendByte(_ path: String) throws {
    let h = try #require(FileHandle(forWritingAtPath: path))
    h.seekToEndOfFile()
    h.write(Data("\n".utf8))
    h.closeFile()
}

import Foundation
import GateCore
import GateKit
import GateReports
import GateStore
import GateTestSupport
import Testing

/// A cold run then a warm run of a small launch-like suite: the warm run reuses every result and reads
/// no input file (the stat cache answers for all of them: `cache.hashedFiles` counts the files actually
/// read and hashed). Changing one input re-runs only the checks that read it.
@Suite struct CacheWarmRunTests {
    static let suite = """
        suite: warm
        checks:
          - id: config
            run: [sh, -c, "grep -q port config/app.json"]
            inputs: [config/**]
          - id: units
            run: [sh, -c, "test -s src/app.py"]
            inputs: [src/**/*.py]
          - id: store
            uses: cas
            with: {root: store, layout: native}
          - id: layers
            uses: boundaries
            with:
              root: src
              rules:
                - name: layers
                  layers: [app.api, app.core]
          - id: no-inputs
            run: "true"
          - id: opted-out
            run: "true"
            inputs: [config/**]
            cache: false
        """

    func prepare() throws -> TempDir {
        let dir = try TempDir("warm")
        try dir.write([
            "suite.yaml": Self.suite,
            "config/app.json": "{\"port\": 8080}\n",
            "src/app/__init__.py": "",
            "src/app/api.py": "from app import core\n",
            "src/app/core.py": "X = 1\n",
            "src/app.py": "print('hi')\n",
        ])
        try FileManager.default.copyItem(atPath: Repo.path("Fixtures/sample-service/cas"), toPath: dir.file("store"))
        return dir
    }

    @Test func warmRunReadsNoUnchangedInputAndOneChangeRerunsOnlyItsChecks() async throws {
        let dir = try prepare()
        defer { dir.remove() }
        let runner = CachedRunner(dir)
        try await CachedRunner.settle()
        let cold = try await runner.run()
        #expect(cold.status == .passed, "\(cold.checks.map { "\($0.id): \($0.summary) \($0.reason ?? "")" })")
        let cacheable = ["config", "units", "store", "layers"]
        // The stat cache is shared: a file two checks read is hashed by whichever keys first.
        for id in cacheable { #expect(cold.check(id)?.cached == false, "\(id)") }
        #expect(cacheable.compactMap { cold.check($0)?.cache?.hashedFiles }.reduce(0, +) >= 10)
        // Not consulted: no inputs to key on, or opted out.
        #expect(cold.check("no-inputs")?.cached == nil && cold.check("opted-out")?.cached == nil)

        let warm = try await runner.run()
        for id in cacheable {
            let c = try #require(warm.check(id))
            #expect(c.cached == true, "\(id) should be reused: \(c.cache?.note ?? "")")
            #expect(c.cache?.hashedFiles == 0 && c.cache?.hashedBytes == 0, "\(id) read inputs on the warm run")
            #expect(c.cache?.inputFiles == cold.check(id)?.cache?.inputFiles)
        }
        #expect(warm.check("no-inputs")?.cached == nil && warm.check("opted-out")?.cached == nil)

        // One Python source changes: the checks that read src/ re-run, the others stay cached.
        try await CachedRunner.settle()
        try "X = 2\n".write(toFile: dir.file("src/app/core.py"), atomically: false, encoding: .utf8)
        let changed = try await runner.run()
        #expect(changed.check("layers")?.cached == false)
        #expect(changed.check("units")?.cached == false)
        // Only the changed file is read: by the first of the two checks to key, or by both when the second
        // keys within the stat cache's 100 ms margin of the write and must not trust the first's digest.
        let read = ["layers", "units"].compactMap { changed.check($0)?.cache?.hashedFiles }
        #expect(read.allSatisfy { $0 <= 1 } && read.reduce(0, +) >= 1, "\(read)")
        #expect(changed.check("config")?.cached == true && changed.check("store")?.cached == true)
        #expect(changed.check("config")?.cache?.hashedFiles == 0 && changed.check("store")?.cache?.hashedFiles == 0)

        // --no-cache consults nothing.
        let off = try await runner.run(cache: false)
        #expect(off.checks.allSatisfy { $0.cached == nil && $0.cache == nil })
    }

    @Test func aRewriteThatKeepsSizeAndMtimeIsStillAMiss() async throws {
        let dir = try prepare()
        defer { dir.remove() }
        let runner = CachedRunner(dir)
        try await CachedRunner.settle()
        _ = try await runner.run()
        let file = dir.file("config/app.json")
        let before = try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date
        // Same size, mtime put back: only the ctime (which nobody can set) tells.
        try "{\"port\": 9090}\n".write(toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: try #require(before)], ofItemAtPath: file)
        let after = try await runner.run()
        #expect(after.check("config")?.cached == false)
        #expect(after.check("config")?.cache?.hashedFiles == 1)
    }

    @Test func negatedInputsAndDeclaredOutputsAreLeftOut() async throws {
        let dir = try TempDir("negated")
        defer { dir.remove() }
        try dir.write([
            "suite.yaml": "suite: n\nchecks:\n  - id: n\n    run: \"true\"\n    inputs: [\".\", \"!out/\", \"!**/*.log\"]\n",
            "a.txt": "a", "out/x.txt": "x", "out/deep/y.txt": "y", "src/run.log": "l", "src/b.txt": "b", "output.txt": "o",
        ])
        let names = try CachedRunner(dir).inputs(of: "n").map { PathUtil.relative($0, to: dir.path) }
        #expect(names == ["a.txt", "output.txt", "src/b.txt", "suite.yaml"])
        #expect(throws: ConfigError.self) {
            try dir.write(["bad.yaml": "checks:\n  - {id: b, run: \"true\", inputs: [\"!out/\"]}\n"])
            _ = try CachedRunner(dir).suite("bad.yaml")
        }
    }

    @Test func defaultInputsSkipTheDirectoriesTheVerifierNeverReads() async throws {
        let dir = try TempDir("skipped-dirs")
        defer { dir.remove() }
        try dir.write([
            "suite.yaml": """
                suite: s
                checks:
                  - {id: layers, uses: boundaries, with: {rules: [{name: l, layers: [app.api, app.core]}]}}
                  - {id: scan, uses: secrets, with: {all-files: true}}
                  - {id: scan-everything, uses: secrets, with: {all-files: true, default-excludes: false}}
                """,
            "app/api.py": "from app import core\n", "app/core.py": "X = 1\n",
            ".build/debug/big.o": "o", "node_modules/pkg/index.js": "j", "__pycache__/core.pyc": "c",
            "vendor/lib.py": "v",
        ])
        let runner = CachedRunner(dir)
        func names(_ id: String) throws -> [String] { try runner.inputs(of: id).map { PathUtil.relative($0, to: dir.path) } }
        // boundaries never reads hidden directories, node_modules or __pycache__; vendor/ it does read.
        #expect(try names("layers") == ["app/api.py", "app/core.py", "suite.yaml", "vendor/lib.py"])
        // secrets prunes its default excludes (.build/, node_modules/, vendor/, ...) unless they are turned off.
        #expect(try names("scan") == ["app/api.py", "app/core.py", "suite.yaml"])
        #expect(try names("scan-everything").contains(".build/debug/big.o"))
        #expect(try names("scan-everything").contains("vendor/lib.py"))
    }

    @Test func inAGitWorkTreeSecretsKeysOnWhatGitLists() async throws {
        let dir = try TempDir("git-listed")
        defer { dir.remove() }
        try dir.write([
            "suite.yaml": "suite: g\nchecks:\n  - {id: scan, uses: secrets}\n",
            ".gitignore": "build/\n", "app.env": "A=1\n", "build/out.env": "B=2\n",
        ])
        _ = try await Exec.git(["init", "-q"], in: dir.path)
        _ = try await Exec.git(["add", "app.env", ".gitignore"], in: dir.path)
        func names() throws -> [String] {
            try CachedRunner(dir).inputs(of: "scan").map { PathUtil.relative($0, to: dir.path) }.filter { !$0.hasPrefix("..") && !$0.hasPrefix("/") }
        }
        // Tracked and untracked files are inputs (gate's own state is not); the ignored build output is not
        // scanned, so not an input.
        let listed = try names()
        #expect(listed == [".git/info/exclude", ".gitignore", "app.env", "suite.yaml"], "\(listed)")
        try dir.write(["new.env": "C=3\n"])
        #expect(try names().contains("new.env"))
    }

    @Test func failuresAreNotStoredSoARetryReallyRuns() async throws {
        let dir = try TempDir("fail")
        defer { dir.remove() }
        try dir.write(["suite.yaml": "suite: f\nchecks:\n  - id: f\n    run: exit 1\n    inputs: [suite.yaml]\n"])
        let runner = CachedRunner(dir)
        _ = try await runner.run()
        let again = try #require(try await runner.run().check("f"))
        #expect(again.status == .failed && again.cached == false)
    }

    @Test func aDamagedCacheFileIsRebuilt() async throws {
        let dir = try prepare()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file(".gate"), withIntermediateDirectories: true)
        try "this is not a database".write(toFile: dir.file(".gate/cache.sqlite"), atomically: false, encoding: .utf8)
        var run = try GateRun(suite: try CachedRunner(dir).suite(), options: CachedRunner(dir).options(), reports: ReportSet())
        run.useCache = true
        let result = await run.execute()
        #expect(result.notes.contains { $0.contains("was damaged") }, "\(result.notes)")
        #expect(result.report.check("config")?.cached == false)
        #expect(try ResultCache.open(stateDirectory: dir.file(".gate")).counts().results > 0)
    }
}

import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// Which files a scan reads, and how skipped or unreadable files are counted rather than fatal.
@Suite struct FileSelectionTests {
    static func stat(_ o: CheckOutcome, _ key: String) -> Int {
        if case .int(let n)? = o.stats[key] { return n }
        return 0
    }

    @Test func insideAGitRepositoryGitignoreIsRespectedUnlessAllFiles() async throws {
        let dir = try TempDir("secrets-git")
        defer { dir.remove() }
        try dir.write([
            ".gitignore": "local.env\n",
            "tracked.env": "A=\(githubToken(seed: 1))\n",
            "untracked.env": "B=\(githubToken(seed: 2))\n",
            "local.env": "C=\(githubToken(seed: 3))\n",
        ])
        try await Exec.git(["init", "-q"], in: dir.path)
        try await Exec.git(["add", "tracked.env", ".gitignore"], in: dir.path)
        let normal = try await runSecrets(dir.path)
        #expect(normal.findings.compactMap(\.path) == ["tracked.env", "untracked.env"], "ignored files are not scanned")
        let all = try await runSecrets(dir.path, ["all-files": "true"])
        #expect(all.findings.compactMap(\.path) == ["local.env", "tracked.env", "untracked.env"])
    }

    @Test func binaryLargeLockAndVendoredFilesAreSkippedAndCounted() async throws {
        let dir = try TempDir("secrets-skip")
        defer { dir.remove() }
        let t = githubToken()
        try dir.write([
            "big.txt": String(repeating: "x", count: 3000) + "\nT=\(t)\n",
            "package-lock.json": "{\"token\": \"\(t)\"}\n",
            "node_modules/lib/index.js": "var t = '\(t)';\n",
            "vendor/x.go": "var t = \"\(t)\"\n",
            "src/ok.txt": "T=\(t)\n",
        ])
        try dir.writeBytes("image.bin", Array("PNG".utf8) + [0, 1, 2] + Array("T=\(t)".utf8))
        let o = try await runSecrets(dir.path, ["max-file-size": "2KB"])
        #expect(o.findings.compactMap(\.path) == ["src/ok.txt"])
        #expect(Self.stat(o, "binarySkipped") == 1)
        #expect(Self.stat(o, "tooLarge") == 1)
        #expect(Self.stat(o, "excluded") == 3, "the lock file and the two vendored directories")
        #expect(o.summary.contains("binary or large files skipped"))
        let everything = try await runSecrets(dir.path, ["default-excludes": "false", "max-file-size": "1MB"])
        #expect(everything.findings.compactMap(\.path).count == 5)
    }

    @Test func includeAndExcludeGlobsNarrowTheScan() async throws {
        let dir = try TempDir("secrets-globs")
        defer { dir.remove() }
        let t = githubToken()
        try dir.write(["a/x.env": "T=\(t)\n", "b/y.env": "T=\(t)\n", "b/z.txt": "T=\(t)\n"])
        let o = try await runSecrets(dir.path, ["include": "[b/**]", "exclude": "[*.txt]"])
        #expect(o.findings.compactMap(\.path) == ["b/y.env"])
    }

    @Test func symlinksOutOfTheRootAreNotFollowed() async throws {
        let outside = try TempDir("secrets-outside")
        let dir = try TempDir("secrets-links")
        defer { outside.remove(); dir.remove() }
        try outside.write(["secret.env": "T=\(githubToken())\n"])
        try dir.write(["inner.env": "T=\(githubToken(seed: 9))\n"])
        try FileManager.default.createSymbolicLink(atPath: dir.file("escape.env"), withDestinationPath: outside.file("secret.env"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("escape-dir"), withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: dir.file("alias.env"), withDestinationPath: dir.file("inner.env"))
        let o = try await runSecrets(dir.path)
        #expect(o.findings.compactMap(\.path) == ["inner.env"], "the link out is skipped; the link in is not doubled")
        #expect(Self.stat(o, "symlinksSkipped") == 2, "the file link and the directory link leave the root")
        #expect(o.log?.contains("escape.env") == true)
    }

    @Test func nonUTF8FilesAreScannedAsBytesAndCounted() async throws {
        let dir = try TempDir("secrets-latin1")
        defer { dir.remove() }
        try dir.writeBytes("latin1.properties", Array("caf".utf8) + [0xE9] + Array(" T=\(githubToken())\n".utf8))
        let o = try await runSecrets(dir.path)
        #expect(o.findings.count == 1)
        #expect(Self.stat(o, "nonUTF8") == 1)
        #expect(o.log?.contains("latin1.properties") == true)
    }

    @Test func vanishedAndUnreadableFilesAreCountedNotFatal() throws {
        let scanner = FileScanner(engine: .builtin)
        #expect(scanner.scanFile(absolute: "/nonexistent/gate/x.env", path: "x.env", maxSize: 1 << 20).isEmpty)
        #expect(scanner.stats.vanished == 1)
        let dir = try TempDir("secrets-unreadable")
        defer { dir.remove() }
        try dir.write(["locked.env": "T=\(githubToken())\n"])
        chmod(dir.file("locked.env"), 0)
        _ = scanner.scanFile(absolute: dir.file("locked.env"), path: "locked.env", maxSize: 1 << 20)
        // root reads anything; everyone else gets EACCES, which must be a counted warning.
        if getuid() != 0 { #expect(scanner.stats.unreadable == 1) }
        #expect(scanner.stats.logLines.contains { $0.contains("vanished") })
    }

    @Test func sizesParse() {
        #expect(SecretsOptions.parseSize("1048576") == 1 << 20)
        #expect(SecretsOptions.parseSize("512KB") == 512 << 10)
        #expect(SecretsOptions.parseSize("10 mb") == 10 << 20)
        #expect(SecretsOptions.parseSize("1GiB") == 1 << 30)
        #expect(SecretsOptions.parseSize("ten") == nil)
        #expect(SecretsOptions.parseSize("5XB") == nil)
    }

    @Test func badParametersAreConfigurationErrors() {
        #expect(throws: ConfigError.self) { try makeVerifier("/tmp", ["max-file-size": "huge"]) }
        #expect(throws: ConfigError.self) { try makeVerifier("/tmp", ["history": "true", "staged": "true"]) }
        #expect(throws: ConfigError.self) { try makeVerifier("/tmp", ["history-range": "HEAD~3..HEAD"]) }
        #expect(throws: ConfigError.self) { try makeVerifier("/tmp", ["config": "no-such-file.toml"]) }
    }
}

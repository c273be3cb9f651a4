import Foundation
import GateTestSupport
import Testing

@testable import GateCore

@Suite struct AtomicFileTests {
    /// A writer killed mid-write leaves `.name.tmp-<pid>-<n>`; the next write of that name removes it
    /// once its process is gone, and leaves a live writer's alone.
    @Test func nextWriteSweepsTemporariesOfDeadWriters() throws {
        let dir = try TempDir("atomic")
        defer { dir.remove() }
        // A pid that is certainly not running: above the kernel's pid_max.
        let dead = dir.file(".report.json.tmp-99999999-1")
        let live = dir.file(".report.json.tmp-\(getppid())-2")
        let other = dir.file(".other.json.tmp-99999999-3")
        for p in [dead, live, other] { #expect(FileManager.default.createFile(atPath: p, contents: Data("half".utf8))) }
        try AtomicFile.write("whole\n", to: dir.file("report.json"))
        #expect(try dir.read("report.json") == "whole\n")
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: other))
    }
}

import Foundation
import GateTestSupport
import Testing

@testable import GateCore

@Suite struct AtomicFileTests {
    /// Both ways of putting the new file in place (rename when durable, exchange otherwise) replace the
    /// content, create a missing file, keep a hard link to the old file intact, and leave nothing behind.
    @Test(arguments: [true, false])
    func replacesAndLeavesNothingBehind(durable: Bool) throws {
        let dir = try TempDir("atomic-replace")
        defer { dir.remove() }
        let path = dir.file("report.json")
        try AtomicFile.write(Data("first".utf8), to: path, durable: durable)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first")
        // A reader holding the old file (a hard link here) keeps the old content.
        #expect(link(path, dir.file("held")) == 0)
        try AtomicFile.write(Data("second".utf8), to: path, durable: durable)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try String(contentsOfFile: dir.file("held"), encoding: .utf8) == "first")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["held", "report.json"])
        // A directory where the file should go is an error, never swapped away.
        try FileManager.default.createDirectory(atPath: dir.file("taken/inside"), withIntermediateDirectories: true)
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.write(Data("x".utf8), to: dir.file("taken"), durable: durable) }
        #expect(FileManager.default.fileExists(atPath: dir.file("taken/inside")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["held", "report.json", "taken"])
    }

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

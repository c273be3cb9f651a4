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

    /// A confined write goes through links that stay under the base, refuses one that leaves it (the
    /// outside file untouched), replaces a link in the last component instead of writing through it, and
    /// sweeps dead writers' temporaries through the opened directory.
    @Test(arguments: [true, false])
    func confinedWritesStayUnderTheBase(durable: Bool) throws {
        let base = try TempDir("confined-base")
        let outside = try TempDir("confined-outside")
        defer { base.remove(); outside.remove() }
        try outside.write(["victim.json": "precious"])
        let fm = FileManager.default
        try fm.createDirectory(atPath: base.file("real/sub"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: base.file("inside"), withDestinationPath: "real")
        try fm.createSymbolicLink(atPath: base.file("out"), withDestinationPath: outside.path)
        try fm.createSymbolicLink(atPath: base.file("real/hop"), withDestinationPath: "../out")
        try fm.createSymbolicLink(atPath: base.file("gone"), withDestinationPath: "no-such-dir")
        try fm.createSymbolicLink(atPath: base.file("real/file-link.json"), withDestinationPath: outside.file("victim.json"))

        try AtomicFile.write(Data("a".utf8), to: base.file("inside/sub/r.json"), within: base.path, durable: durable)
        #expect(try base.read("real/sub/r.json") == "a")
        try AtomicFile.write(Data("new/dirs".utf8), to: base.file("made/on/the/way.json"), within: base.path, durable: durable)
        #expect(try base.read("made/on/the/way.json") == "new/dirs")
        for (path, escape) in [("out/victim.json", true), ("real/hop/victim.json", true), ("out/new/x.json", true),
                               ("gone/x.json", true), ("../\(PathUtil.basename(outside.path))/victim.json", true)] {
            do {
                try AtomicFile.write(Data("bad".utf8), to: PathUtil.resolve(path, against: base.path), within: base.path,
                                     durable: durable)
                Issue.record("\(path) was written")
            } catch {
                #expect((error.escape != nil) == escape, "\(path): \(error)")
            }
            #expect(try outside.read("victim.json") == "precious", "\(path)")
            #expect(try fm.contentsOfDirectory(atPath: outside.path) == ["victim.json"], "\(path)")
        }
        // The last component being a link: the link is replaced, its target is not written.
        try AtomicFile.write(Data("mine".utf8), to: base.file("real/file-link.json"), within: base.path, durable: durable)
        #expect(try outside.read("victim.json") == "precious")
        #expect(try base.read("real/file-link.json") == "mine")
        #expect((try? fm.destinationOfSymbolicLink(atPath: base.file("real/file-link.json"))) == nil)
        // Probing follows the same rules.
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.probeWritable(base.file("out/p.json"), within: base.path) }
        try AtomicFile.probeWritable(base.file("inside/p.json"), within: base.path)
        // Dead writers' temporaries are swept through the descriptor.
        let dead = base.file("real/sub/.r.json.tmp-99999999-1")
        #expect(fm.createFile(atPath: dead, contents: Data("half".utf8)))
        try AtomicFile.write(Data("b".utf8), to: base.file("real/sub/r.json"), within: base.path, durable: durable)
        #expect(!fm.fileExists(atPath: dead))
        #expect(try fm.contentsOfDirectory(atPath: base.file("real/sub")).sorted() == ["r.json"])
    }
}

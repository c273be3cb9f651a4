import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

/// Archive pairs made by the real tools (gzip, tar, zip, xz, zstd, bzip2, ar, dpkg-deb), opened layer by
/// layer: each must be explained at its innermost level. The expected fields follow the formats' own
/// definitions: RFC 1952 section 2.3 for gzip, POSIX ustar/pax for tar, APPNOTE 4.4.6 for DOS times.
@Suite struct ArchiveDiffTests {
    /// Runs a shell script in `dir`, failing the test when it fails.
    static func sh(_ script: String, in dir: TempDir, env: [String: String] = [:]) async throws {
        let r = try await Exec.run(["/bin/sh", "-ec", script], cwd: dir.path, env: env)
        #expect(r.code == 0, "\(script)\n\(r.stderr)")
    }

    static func has(_ tool: String) -> Bool { ProcessRunner.which(tool, path: ProcessInfo.processInfo.environment["PATH"], cwd: "/") != nil }

    static func open(_ dir: TempDir, _ a: String, _ b: String, name: String, depth: Int = 6, limit: Int = 64 << 20) -> ArchiveReport? {
        ArchiveDiff(limit: limit, maxDepth: depth, scratch: dir.file("inside")).run(dir.file(a), dir.file(b), name: name)
    }

    @Test func gzipHeaderTimeWithTheSameContent() async throws {
        let dir = try TempDir("archive-gzip")
        defer { dir.remove() }
        try dir.write(["data.txt": "same\n"])
        try await Self.sh("touch -d @1700000000 data.txt && gzip -c data.txt > a.gz && touch -d @1700086400 data.txt && gzip -c data.txt > b.gz", in: dir)
        let r = try #require(Self.open(dir, "a.gz", "b.gz", name: "data.txt.gz"))
        let lead = try #require(r.lead)
        // RFC 1952: MTIME is the original file's modification time; FNAME is the same in both.
        #expect(lead.kind == .header && lead.field == "MTIME", "\(r.differences.map(\.summary))")
        #expect(lead.valueA == "1700000000 (2023-11-14T22:13:20Z)" && lead.valueB?.hasPrefix("1700086400") == true)
        #expect(r.differences.count == 1)
        #expect(ArchiveCauses.cause(lead, hints: ToolchainHints(command: "gzip", names: []))?.help.contains("gzip -n") == true)
    }

    @Test func aLineInsideATarGzIsTheInnermostPlace() async throws {
        let dir = try TempDir("archive-targz")
        defer { dir.remove() }
        try dir.write(["a/x-1.0/PKG-INFO": "Metadata-Version: 2.1\nName: x\nKeywords: alpha,beta\n",
                       "b/x-1.0/PKG-INFO": "Metadata-Version: 2.1\nName: x\nKeywords: beta,alpha\n"])
        let tar = "tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=ustar"
        try await Self.sh("(cd a && \(tar) -cf - x-1.0 | gzip -n > ../a.tar.gz) && (cd b && \(tar) -cf - x-1.0 | gzip -n > ../b.tar.gz)", in: dir)
        let r = try #require(Self.open(dir, "a.tar.gz", "b.tar.gz", name: "dist/x-1.0.tar.gz"))
        let lead = try #require(r.lead)
        #expect(lead.kind == .content && lead.path == ["x-1.0/PKG-INFO"], "\(r.differences.map(\.summary))")
        #expect(lead.location(in: "dist/x-1.0.tar.gz") == "dist/x-1.0.tar.gz › x-1.0/PKG-INFO")
        #expect(r.layers == ["gzip", "tar"])
        let fa = try #require(lead.fileA), fb = try #require(lead.fileB)
        let d = try #require(try ByteCompare.first(fa, fb))
        #expect(d.line == 3)
    }

    @Test func tarHeaderModeAndMtime() async throws {
        let dir = try TempDir("archive-tar")
        defer { dir.remove() }
        try dir.write(["a/d/f": "x\n", "b/d/f": "x\n"])
        try await Self.sh("chmod 644 a/d/f && chmod 600 b/d/f && touch -d @1700000000 a/d/f b/d/f && chmod 755 a/d b/d && touch -d @1700000000 a/d b/d"
                          + " && tar -C a --owner=0 --group=0 --numeric-owner -cf a.tar d && tar -C b --owner=0 --group=0 --numeric-owner -cf b.tar d", in: dir)
        let r = try #require(Self.open(dir, "a.tar", "b.tar", name: "out.tar"))
        let lead = try #require(r.lead)
        #expect(lead.kind == .field && lead.field == "mode" && lead.path == ["d/f"], "\(r.differences.map(\.summary))")
        #expect(lead.valueA == "0644" && lead.valueB == "0600")
        #expect(ArchiveCauses.cause(lead, hints: ToolchainHints(command: "tar", names: []))?.label == "file permissions in a tar header")

        try await Self.sh("touch -d @1700000001 b/d/f && chmod 644 b/d/f && tar -C b --owner=0 --group=0 --numeric-owner -cf c.tar d", in: dir)
        let t = try #require(Self.open(dir, "a.tar", "c.tar", name: "out.tar"))
        #expect(t.lead?.field == "mtime" && t.lead?.valueA == "1700000000 (2023-11-14T22:13:20Z)", "\(t.differences.map(\.summary))")
    }

    @Test(.enabled(if: has("zip"), "zip is not installed"))
    func zipEntryTimesUnderAnotherZoneAndOrder() async throws {
        let dir = try TempDir("archive-zip")
        defer { dir.remove() }
        try dir.write(["d/a": "a\n", "d/b": "b\n"])
        try await Self.sh("touch -d @1700000000 d/a d/b && TZ=UTC zip -X -q a.zip d/a d/b && TZ=GATE-14 zip -X -q b.zip d/a d/b && TZ=UTC zip -X -q c.zip d/b d/a", in: dir)
        let r = try #require(Self.open(dir, "a.zip", "b.zip", name: "out.zip"))
        let lead = try #require(r.lead)
        // APPNOTE 4.4.6: the DOS date and time are local time, so the zone moves them by whole hours.
        #expect(lead.kind == .field && lead.field == "modification time (DOS date and time, local time)", "\(r.differences.map(\.summary))")
        #expect(lead.valueA == "2023-11-14 22:13:20" && lead.valueB == "2023-11-15 12:13:20")
        #expect(lead.note?.contains("whole hours") == true)
        let cause = try #require(ArchiveCauses.cause(lead, hints: ToolchainHints(command: "jar cf x.jar", names: [])))
        #expect(cause.label == "a timestamp in a zip entry" && cause.help.contains("project.build.outputTimestamp"))
        #expect(Suspects.variations(for: [cause]).first == .tz)

        let o = try #require(Self.open(dir, "a.zip", "c.zip", name: "out.zip"))
        #expect(o.lead?.kind == .order && o.lead?.valueA == "member 1 is 'd/a'" && o.lead?.valueB == "'d/b'", "\(o.differences.map(\.summary))")
    }

    @Test func xzBlocksAndOtherStreams() async throws {
        let dir = try TempDir("archive-streams")
        defer { dir.remove() }
        try await Self.sh("seq 1 20000 > data && xz -k -c data > a.xz && xz -c --block-size=4096 data > b.xz", in: dir)
        let r = try #require(Self.open(dir, "a.xz", "b.xz", name: "data.xz"))
        #expect(r.lead?.kind == .compression && r.lead?.note?.contains("1 vs") == true, "\(r.differences.map(\.summary))")
        for (tool, ext) in [("zstd -q -c", "zst"), ("bzip2 -c", "bz2")] where Self.has(String(tool.split(separator: " ")[0])) {
            try await Self.sh("printf 'one\\ntwo\\n' | \(tool) > a.\(ext) && printf 'one\\nTWO\\n' | \(tool) > b.\(ext)", in: dir)
            let s = try #require(Self.open(dir, "a.\(ext)", "b.\(ext)", name: "notes.txt.\(ext)"))
            #expect(s.lead?.kind == .content && s.lead?.path == ["notes.txt"], "\(ext): \(s.differences.map(\.summary))")
        }
    }

    @Test func arMembersAndADebPackage() async throws {
        let dir = try TempDir("archive-ar")
        defer { dir.remove() }
        try dir.write(["a/m.o": "one\n", "b/m.o": "two\n"])
        try await Self.sh("(cd a && ar rcD ../a.a m.o) && (cd b && ar rcD ../b.a m.o)", in: dir)
        let r = try #require(Self.open(dir, "a.a", "b.a", name: "libm.a"))
        #expect(r.lead?.kind == .content && r.lead?.path == ["m.o"], "\(r.differences.map(\.summary))")
        guard Self.has("dpkg-deb") else { return }
        let control = "Package: x\nVersion: 1\nArchitecture: all\nMaintainer: t <t@example.invalid>\nDescription: x\n"
        try dir.write(["pa/DEBIAN/control": control, "pb/DEBIAN/control": control,
                       "pa/usr/share/x/notes": "a\nb\n", "pb/usr/share/x/notes": "a\nc\n"])
        try await Self.sh("dpkg-deb --root-owner-group -Zxz --build pa a.deb >/dev/null && dpkg-deb --root-owner-group -Zxz --build pb b.deb >/dev/null",
                          in: dir, env: ["SOURCE_DATE_EPOCH": "1700000000"])
        let deb = try #require(Self.open(dir, "a.deb", "b.deb", name: "x_1_all.deb"))
        let lead = try #require(deb.lead)
        #expect(lead.path == ["data.tar.xz", "./usr/share/x/notes"] && lead.kind == .content, "\(deb.differences.map(\.summary))")
        #expect(deb.layers.first == "deb (ar)")
    }

    @Test(.enabled(if: has("zip"), "zip is not installed"))
    func nestedZipInsideATarball() async throws {
        let dir = try TempDir("archive-nested")
        defer { dir.remove() }
        try dir.write(["a/pkg/METADATA": "Name: x\nVersion: 1\n", "b/pkg/METADATA": "Name: x\nVersion: 2\n"])
        try await Self.sh("for s in a b; do (cd $s && touch -d @1700000000 pkg/METADATA && TZ=UTC zip -X -q x.whl pkg/METADATA && tar --mtime=@0 --owner=0 --group=0 -czf ../$s.tgz x.whl); done", in: dir)
        let r = try #require(Self.open(dir, "a.tgz", "b.tgz", name: "out.tgz"))
        #expect(r.lead?.path == ["x.whl", "pkg/METADATA"] && r.lead?.kind == .content, "\(r.differences.map(\.summary))")
        #expect(r.layers == ["gzip", "tar", "wheel (zip)"])
        let shallow = try #require(Self.open(dir, "a.tgz", "b.tgz", name: "out.tgz", depth: 2))
        #expect(shallow.notes.contains { $0.contains("stopped at 2 nested layers") }, "\(shallow.notes)")
    }

    @Test func aBombStopsAtTheLimit() async throws {
        let dir = try TempDir("archive-bomb")
        defer { dir.remove() }
        // 64 MiB of zeros, differing only in the last byte: unpacked no further than 1 MiB.
        try await Self.sh("head -c 67108863 /dev/zero > z && (cat z; printf a) | gzip -c > a.gz && (cat z; printf b) | gzip -c > b.gz && rm z", in: dir)
        let r = try #require(Self.open(dir, "a.gz", "b.gz", name: "zeros.gz", limit: 1 << 20))
        #expect(r.notes.contains { $0.contains("more than 1 MiB") }, "\(r.notes)")
        #expect(r.lead?.kind == .content && r.lead?.note?.contains("past the first 1 MiB") == true, "\(r.differences.map(\.summary))")
        let unpacked = try FileManager.default.subpathsOfDirectory(atPath: dir.file("inside")).compactMap { FileInfo.size(dir.file("inside/" + $0)) }
        #expect(unpacked.allSatisfy { $0 <= 1 << 20 })
    }

    /// Zips whose end records give 64-bit numbers no file can hold (APPNOTE 4.3.14 and 4.3.15): a zip64 end
    /// record placed at 2^63, a central directory at 2^64 - 1 of one byte, a directory of 2^63 entries. A
    /// build that writes such a zip (random bytes in front, so the two runs differ) fails the check with a
    /// note on each zip; gate converted or added the numbers before comparing them with the file and trapped.
    @Test func zipEndRecordsBeyondTheFileAreNotesNotCrashes() async throws {
        let dir = try TempDir("archive-zip64")
        defer { dir.remove() }
        try dir.write(["make.py": """
            import os, struct
            def z(name, locator, count, size, offset):
                # A local header of random bytes, then one empty central directory entry at offset 30.
                body = b"PK\\x03\\x04" + os.urandom(26) + struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, *[0] * 16)
                record = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, size, offset)
                at = len(body) if locator is None else locator
                tail = struct.pack("<IIQI", 0x07064B50, 0, at, 1)
                end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
                open("out/" + name, "wb").write(body + record + tail + end)
            os.makedirs("out", exist_ok=True)
            z("record.zip", 1 << 63, 1, 0, 0)
            z("directory.zip", None, 1, 1, (1 << 64) - 1)
            z("entries.zip", None, 1 << 63, 46, 30)
            """])
        let r = try await Exec.gate(["check", "determinism", "--set", "command=python3 make.py", "--set", "outputs=[out/*.zip]",
                                     "--json", "r.json"], cwd: dir.path)
        #expect(r.code == 1 && r.signal == nil, "exit \(r.code) signal \(r.signal ?? 0): \(r.stdout)\(r.stderr)")
        let report = try dir.read("r.json")
        #expect(report.contains("the zip64 end record is at offset 9223372036854775808, past the end of the file"), "\(report)")
        #expect(report.contains("the central directory at offset 18446744073709551615 (1 bytes) lies outside the file ("), "\(report)")
        #expect(report.contains("zip64 end record says it holds 9223372036854775808 entries, but its central directory of 46 bytes has room for 1"), "\(report)")
    }

    @Test func notAnArchiveIsLeftToTheByteComparison() throws {
        let dir = try TempDir("archive-none")
        defer { dir.remove() }
        try dir.write(["a": "plain\n", "b": "text\n"])
        #expect(Self.open(dir, "a", "b", name: "out.txt") == nil)
    }
}

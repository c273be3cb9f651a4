import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// Migration files that are not ordinary scripts: a FIFO (reading it would block for ever) and a file far
/// larger than any script (it would be read whole into memory). Both are refused with a reason.
@Suite struct HostileFileTests {
    @Test func fifoIsRefusedWithoutBlocking() throws {
        let dir = try TempDir("mig-fifo")
        defer { dir.remove() }
        #expect(mkfifo(dir.file("V1__pipe.sql"), 0o644) == 0)
        guard case .failure(let why) = RawFile.read(dir.file("V1__pipe.sql")) else {
            Issue.record("a FIFO was read as a migration")
            return
        }
        #expect(why.description == "it is not a regular file")
    }

    @Test func oversizedFileIsRefusedBeforeReading() throws {
        let dir = try TempDir("mig-big")
        defer { dir.remove() }
        let path = dir.file("V1__huge.sql")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, off_t(RawFile.maxSize + 1)) == 0)
        guard case .failure(let why) = RawFile.read(path) else {
            Issue.record("a file over the limit was read")
            return
        }
        #expect(why.description.contains("MiB gate reads for one migration script"))
        #expect(truncate(path, 5) == 0)
        guard case .success(let bytes) = RawFile.read(path) else {
            Issue.record("a 5-byte file was refused")
            return
        }
        #expect(bytes == [0, 0, 0, 0, 0])
    }
}

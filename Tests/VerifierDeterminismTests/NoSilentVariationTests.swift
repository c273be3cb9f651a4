import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

/// A variation that cannot be applied is said, never passed off as applied. The case: a script
/// that touches files and tars them "passed, time varied (SOURCE_DATE_EPOCH)" without libfaketime.
/// libfaketime is made missing by pointing the variation at a library that does not exist.
@Suite struct NoSilentVariationTests {
    static let tarScript = "mkdir -p d && printf a > d/a && touch d/a && tar --format=ustar --sort=name --owner=0 --group=0 --numeric-owner -cf out.tar d"

    static var missingLibrary: String { "/nonexistent/gate-\(UUID().uuidString)/libfaketime.so.1" }

    @Test func aMissingLibfaketimeIsReportedNotPassed() async throws {
        let h = try Harness()
        defer { h.remove() }
        let missing = Self.missingLibrary
        let outcome = try await h.run("command: '\(Self.tarScript)'\noutputs: [out.tar]\nvary: [time, tz]\nfaketime-library: \(missing)\nbisect: false")
        let warning = try #require(outcome.first("determinism/variation-not-applied"), "\(outcome.findings.map(\.message))")
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("'time' variation was not applied") && warning.message.contains(missing), "\(warning.message)")
        #expect(outcome.summary.contains("not applied: time"), "\(outcome.summary)")
        #expect(!outcome.summary.contains("varied time"), "\(outcome.summary)")
        #expect(outcome.stat("notApplied") == .array([.string("time")]))
        #expect(outcome.stat("varied") == .array([.string("tz")]))
        #expect(outcome.stat("timeSource") == .string("none"))
        let manifest = try String(contentsOfFile: h.artifacts + "/run-2/run.json", encoding: .utf8)
        #expect(!manifest.contains("LD_PRELOAD") && manifest.contains("\"applied\": false"))
    }

    @Test func theEnvironmentCanNameTheLibraryToo() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: 'true'\nvary: [time]\nbisect: false", env: ["GATE_LIBFAKETIME": Self.missingLibrary])
        #expect(outcome.stat("notApplied") == .array([.string("time")]))
    }

    @Test func strictMakesAnUnappliedVariationAnError() async throws {
        let h = try Harness()
        defer { h.remove() }
        await #expect(throws: VerifierError.self) {
            _ = try await h.run("command: 'true'\nvary: [time]\nstrict: true\nfaketime-library: \(Self.missingLibrary)")
        }
        do {
            _ = try await h.run("command: 'true'\nvary: [time]\nstrict: true\nfaketime-library: \(Self.missingLibrary)")
        } catch let e as VerifierError {
            #expect(e.description.hasPrefix("strict: the 'time' variation cannot be applied here: libfaketime was not found at"), "\(e)")
            #expect(e.description.contains("remove it from 'vary'"))
        }
        // Nothing ran: no run directories.
        #expect(!FileManager.default.fileExists(atPath: h.artifacts + "/run-1"))
    }

    @Test(.enabled(if: MachineProbe.libfaketimeCandidates.contains { FileManager.default.fileExists(atPath: $0) },
                   "libfaketime is not installed here (Debian package faketime)"))
    func withLibfaketimeTheClockMovesAndTheTarDiffers() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: '\(Self.tarScript)'\noutputs: [out.tar]\nvary: [time]")
        let f = try #require(outcome.first("determinism/output-diverged"), "\(outcome.summary)")
        #expect(f.message.contains("at out.tar › d/") && f.message.contains("likely cause: a timestamp in a tar header"), "\(f.message)")
        #expect(f.help?.contains("--mtime=@$SOURCE_DATE_EPOCH") == true)
        #expect(outcome.stat("timeSource") == .string("libfaketime"))
        #expect(outcome.first("determinism/variation-not-applied") == nil)
    }

    /// The clock moves, but the times of files already on disk do not: a build that packs a source file
    /// with a fixed mtime is reproducible. reprotest's build.py, faketime(), sets NO_FAKE_STAT=1 for the same
    /// reason ("it really really messes with GNU make"); without it libfaketime shifts what stat(2) reads.
    @Test(.enabled(if: MachineProbe.libfaketimeCandidates.contains { FileManager.default.fileExists(atPath: $0) },
                   "libfaketime is not installed here (Debian package faketime)"))
    func fileTimesOnDiskAreNotShifted() async throws {
        let h = try Harness(files: ["data.txt": "payload\n"])
        defer { h.remove() }
        _ = try await Exec.run(["touch", "-d", "@1700000000", h.dir.file("data.txt")])
        let outcome = try await h.run("command: 'mkdir -p out && gzip -c data.txt > out/data.txt.gz'\noutputs: [out/*.gz]\nvary: [time]")
        #expect(!outcome.failed, "\(outcome.findings.map(\.message))")
        #expect(outcome.stat("timeSource") == .string("libfaketime"))
    }
}

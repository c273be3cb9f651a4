import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

@Suite struct DivergenceTests {
    @Test func theClockInAFileDiverges() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: date +%s%N > out\noutputs: [out]")
        let f = try #require(outcome.first("determinism/output-diverged"))
        #expect(f.message.hasPrefix("'out' diverged: run 1 and run 2 differ at byte"))
        #expect(f.message.contains("likely cause: a timestamp"), "\(f.message)")
        #expect(f.evidence?["artifact"] == "out")
        #expect(f.evidence?["firstDifference"]?.contains("line 1") == true)
        #expect(f.evidence?["diff"]?.contains("@@ -1,1 +1,1 @@") == true)
        // The artifacts are kept, one directory per run, with a manifest.
        for n in 1...2 {
            #expect(FileManager.default.fileExists(atPath: h.artifacts + "/run-\(n)/files/out"))
            let manifest = try String(contentsOfFile: h.artifacts + "/run-\(n)/run.json", encoding: .utf8)
            #expect(manifest.contains("\"run\": \(n)"))
        }
        #expect(try String(contentsOfFile: h.artifacts + "/report.txt", encoding: .utf8).contains("DIVERGED 'out'"))
    }

    @Test func aStableOutputPasses() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: printf stable > out\noutputs: [out]\nruns: 3")
        #expect(!outcome.failed, "\(outcome.findings)")
        #expect(outcome.summary.hasPrefix("3 runs identical: 3 outputs (stdout, stderr, out)"), "\(outcome.summary)")
        #expect(outcome.stat("bytesHashed") == .int(18))
    }

    @Test func aJSONTimestampFieldIsNamedByPathAndPassesOnceNormalized() async throws {
        let h = try Harness(files: ["emit.sh": #"printf '{"items": [{"id": 1}, {"id": 2, "createdAt": "%s"}], "total": 3}\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)""#])
        defer { h.remove() }
        let raw = try await h.run("command: sh emit.sh")
        let f = try #require(raw.first("determinism/output-diverged"))
        #expect(f.message.contains("at $.items[1].createdAt"), "\(f.message)")
        #expect(f.message.contains("likely cause: a timestamp"), "\(f.message)")
        #expect(f.evidence?["jsonPaths"]?.hasPrefix("$.items[1].createdAt: \"") == true)

        let normalized = try await h.run("command: sh emit.sh\nnormalize: [{json: '$.items[*].createdAt'}]")
        #expect(!normalized.failed, "\(normalized.findings.map(\.message))")
        #expect(FileManager.default.fileExists(atPath: h.artifacts + "/run-1/normalized/stdout"))

        let regex = try await h.run(#"{command: sh emit.sh, normalize: [{pattern: '\d{4}-\d\d-\d\dT[0-9:.]+Z', replace: '<time>', outputs: stdout}]}"#)
        #expect(!regex.failed, "\(regex.findings.map(\.message))")
    }

    @Test func reorderedJSONKeysAreNamedAsTheCause() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run(#"command: 'if [ -e m ]; then echo "{\"b\": 2, \"a\": 1}"; else touch m; echo "{\"a\": 1, \"b\": 2}"; fi'"#)
        let f = try #require(outcome.first("determinism/output-diverged"))
        #expect(f.message.contains("likely cause: JSON key order or formatting"), "\(f.message)")
        #expect(f.help?.contains("sort_keys") == true)
    }

    @Test func credentialsInOutputsAreRedactedFromFindingsAndLog() async throws {
        let h = try Harness()
        defer { h.remove() }
        let secret = "tok" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20))
        let outcome = try await h.run(#"command: 'echo "$DEPLOY_TOKEN $(date +%s%N)"'"#, env: ["DEPLOY_TOKEN": secret])
        let f = try #require(outcome.first("determinism/output-diverged"))
        let everything = f.message + (f.evidence ?? [:]).values.joined() + (outcome.log ?? "")
        #expect(!everything.contains(secret))
        #expect(f.evidence?["diff"]?.contains("[redacted:DEPLOY_TOKEN]") == true, "\(f.evidence ?? [:])")
    }

    @Test func exitStatusDivergenceIsReportedWithStderr() async throws {
        let h = try Harness()
        defer { h.remove() }
        // The first run creates the marker; the second finds it and fails.
        let outcome = try await h.run(#"command: 'if [ -e marker ]; then echo "marker exists" >&2; exit 3; fi; touch marker'"#)
        let f = try #require(outcome.first("determinism/exit-code-diverged"))
        #expect(f.message == "exit status diverged: run 1 ended with exit code 0, run 2 with exit code 3; run 2's stderr ends: 'marker exists'")
        #expect(outcome.rulesFound.contains("determinism/output-diverged"))  // stderr differs too
    }

    @Test func anOutputWrittenOnlyOnceIsMissing() async throws {
        let h = try Harness()
        defer { h.remove() }
        // Like a build tool that skips an up-to-date output: the second run leaves it untouched.
        let outcome = try await h.run("command: '[ -e out.txt ] || echo built > out.txt'\noutputs: ['*.txt']")
        let f = try #require(outcome.first("determinism/missing-output"))
        #expect(f.message == "'out.txt' was written by run 1 but not by run 2")
        #expect(f.help?.contains("add 'path' to vary") == true)
        // Each run in a fresh copy writes it every time.
        let fresh = try await h.run("command: '[ -e out.txt ] || echo built > out.txt'\noutputs: ['*.txt']\nvary: [path]")
        #expect(!fresh.failed, "\(fresh.findings.map(\.message))")
    }

    @Test func aConsistentlyFailingCommandIsAnErrorUnlessAllowed() async throws {
        let h = try Harness()
        defer { h.remove() }
        await #expect(throws: VerifierError.self) { try await h.run("command: 'echo nope >&2; exit 4'") }
        let allowed = try await h.run("command: 'echo nope >&2; exit 4'\nallow-failure: true")
        #expect(!allowed.failed)
    }

    @Test func tarMemberTimesAreNamedAsTheCause() async throws {
        let h = try Harness(files: ["src/a.txt": "alpha\n", "src/b.txt": "beta\n"])
        defer { h.remove() }
        // Each run stamps the inputs with its own time, as a fresh checkout would, then archives them.
        let outcome = try await h.run("""
            command: 'touch -d "@$(($(date +%s) + $$))" src/a.txt && tar -cf out.tar src'
            outputs: [out.tar]
            stdout: false
            """)
        let f = try #require(outcome.first("determinism/output-diverged"))
        #expect(f.message.contains("likely cause: a timestamp in a tar header (tar mtime of 'src/a.txt'"), "\(f.message)")
        #expect(f.help?.contains("--mtime") == true)
        #expect(f.evidence?["deepDiff"] != nil)
    }

    @Test func paxRecordsAreNamedWithTheirValues() async throws {
        let h = try Harness()
        defer { h.remove() }
        // Generated files carry the build's clock, which a pax header keeps to the nanosecond.
        let outcome = try await h.run("""
            command: 'mkdir -p d && printf alpha > d/a && tar --format=posix -cf out.tar d'
            outputs: [out.tar]
            """)
        let f = try #require(outcome.first("determinism/output-diverged"))
        // libarchive decodes the pax records; the field says where the time was kept.
        #expect(f.message.contains("(pax record) of 'd/'"), "\(f.message)")
        #expect(f.message.contains("time"), "\(f.message)")
        // The same archive with fixed metadata is reproducible.
        let fixed = try await h.run("""
            command: 'mkdir -p d && printf alpha > d/a && tar --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime --mtime=@0 --sort=name --owner=0 --group=0 --numeric-owner -cf out.tar d'
            outputs: [out.tar]
            """)
        #expect(!fixed.failed, "\(fixed.findings.map(\.message))")
    }

    @Test func gzipHeaderTimeIsNamedAsTheCause() async throws {
        let h = try Harness(files: ["data.txt": "payload\n"])
        defer { h.remove() }
        let outcome = try await h.run("""
            command: 'touch -d "@$(($(date +%s) + $$))" data.txt && gzip -c data.txt > out.gz'
            outputs: [out.gz]
            """)
        let f = try #require(outcome.first("determinism/output-diverged"))
        #expect(f.message.contains("a timestamp in the gzip header"), "\(f.message)")
        #expect(f.help?.contains("gzip -n") == true)
    }

    @Test func theDeepDiffCommandNamesBothKeptArtifacts() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: date +%N")
        let deep = try #require(outcome.first("determinism/output-diverged")?.evidence?["deepDiff"])
        let facts = await Machine.facts()
        #expect(deep.hasPrefix(facts.diffoscope != nil ? "diffoscope " : "diff -u "), "\(deep)")
        #expect(deep.contains("run-1/stdout") && deep.contains("run-2/stdout"))
    }
}

/// The most precise finding leads: with stderr carrying timings and a temporary path, and an archive
/// differing in a header field, the summary and the first finding are the archive's.
@Suite struct LeadFindingTests {
    @Test func theArtifactLeadsAndStderrNoiseFollows() async throws {
        let h = try Harness()
        defer { h.remove() }
        let build = "rm -rf d && mkdir d && printf a > d/a && "
            + "tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=ustar -cf out.tar d && "
            + "echo \"built in $(date +%N) ns, scratch $(mktemp -u)\" >&2"
        let outcome = try await h.run("command: '\(build)'\noutputs: [out.tar]\nvary: [umask]\nbisect: false")
        let diverged = outcome.findings.filter { $0.rule == "determinism/output-diverged" }
        #expect(diverged.map { $0.evidence?["artifact"] ?? "" } == ["out.tar", "stderr"], "\(diverged.map(\.message))")
        let lead = try #require(outcome.findings.first)
        #expect(lead.message.contains("at out.tar › d/; likely cause: file permissions in a tar header"), "\(lead.message)")
        #expect(outcome.summary.hasPrefix(lead.message), "\(outcome.summary)")
        #expect(outcome.summary.contains("; 1 more"), "\(outcome.summary)")
    }
}

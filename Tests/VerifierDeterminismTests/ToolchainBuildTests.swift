import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

/// One unreproducible build per toolchain on this machine, checked with `vary: all`: each must be
/// explained at its innermost level, with its cause, its fix in the toolchain's words, and the smallest
/// set of variations that makes it differ. A toolchain that is not installed is reported, not passed.
@Suite(.serialized) struct ToolchainBuildTests {
    static func tool(_ name: String) -> String? {
        ProcessRunner.which(name, path: ProcessInfo.processInfo.environment["PATH"], cwd: "/")
    }

    /// Why a test cannot run here (a tool is missing), for `.enabled(if:)`: a skip with its reason, never a pass.
    static func installed(_ tools: String...) -> Bool { tools.allSatisfy { tool($0) != nil } }

    static var libfaketime: Bool { MachineProbe.libfaketimeCandidates.contains { FileManager.default.fileExists(atPath: $0) } }

    /// The lead finding, its "differs when" and the bisection's extra runs.
    static func check(_ h: Harness, _ yaml: String, vary: String = "all", env: [String: String] = [:]) async throws -> (Finding, String, Int) {
        let outcome = try await h.run(yaml + "\nvary: \(vary)", env: env)
        let f = try #require(outcome.findings.first, "\(outcome.summary)")
        #expect(f.rule == "determinism/output-diverged", "\(f.message)")
        #expect(outcome.summary.hasPrefix(f.message), "the summary leads with the lead finding: \(outcome.summary)")
        var runs = -1
        if case .object(let b)? = outcome.stat("bisection"), case .int(let n)? = b["runs"] { runs = n }
        return (f, f.evidence?["differsWhen"] ?? "(no bisection)", runs)
    }

    @Test(.enabled(if: installed("python3"), "python3 is not installed"))
    func pythonSetOrderInsideAnSdist() async throws {
        let h = try Harness("tc-python", files: ["build.py": """
            import gzip, io, os, tarfile
            keywords = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"}
            pkg = "Metadata-Version: 2.1\\nName: demo\\nKeywords: " + ",".join(keywords) + "\\nVersion: 1.0\\n"
            os.makedirs("dist", exist_ok=True)
            raw = io.BytesIO()
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
                data = pkg.encode()
                info = tarfile.TarInfo("demo-1.0/PKG-INFO")
                info.size, info.mtime, info.mode = len(data), 0, 0o644
                t.addfile(info, io.BytesIO(data))
            with open("dist/demo-1.0.tar.gz", "wb") as f:
                with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
                    g.write(raw.getvalue())
            """])
        defer { h.remove() }
        let (f, when, runs) = try await Self.check(h, "command: python3 build.py\noutputs: [dist/*.tar.gz]")
        #expect(f.message.contains("at dist/demo-1.0.tar.gz › demo-1.0/PKG-INFO line 3"), "\(f.message)")
        #expect(f.message.contains("likely cause: ordering (the same items in another order, under another hash seed)"), "\(f.message)")
        #expect(when == "PYTHONHASHSEED varies (alone)")
        #expect(f.help?.contains("sorted(") == true, "\(f.help ?? "")")
        // The suspect alone, then everything else: reprotest's --auto-build needs a build per variation.
        #expect(runs == 2)
    }

    @Test(.enabled(if: installed("gzip") && libfaketime, "needs gzip and libfaketime (Debian package faketime)"))
    func gzipStoresTheSourceFileTime() async throws {
        let h = try Harness("tc-gzip", files: ["data.txt": "payload\n"])
        defer { h.remove() }
        // A release script that stamps its input with today's date (UTC, so that only the clock matters),
        // then compresses it without -n: gzip keeps the file's time in its header.
        let (f, when, _) = try await Self.check(
            h, "command: 'touch -d \"$(date -u +%F) 00:00 UTC\" data.txt && mkdir -p out && gzip -c data.txt > out/data.txt.gz'\n"
                + "outputs: [out/*.gz]\nstdout: false")
        #expect(f.message.contains("at out/data.txt.gz; likely cause: a timestamp in the gzip header (gzip MTIME: "), "\(f.message)")
        #expect(when == "the clock varies (alone)")
        #expect(f.help?.contains("gzip -n") == true)
    }

    @Test(.enabled(if: installed("tar", "gzip"), "needs tar and gzip"))
    func tarKeepsTheUmask() async throws {
        let h = try Harness("tc-tar")
        defer { h.remove() }
        let build = "mkdir -p build/d && printf a > build/d/a && printf b > build/d/b && "
            + "tar -C build --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=ustar -cf - d | gzip -n > out.tar.gz"
        let (f, when, _) = try await Self.check(h, "command: '\(build)'\noutputs: [out.tar.gz]")
        #expect(f.message.contains("at out.tar.gz › d/; likely cause: file permissions in a tar header (tar mode of 'd/': 0755 vs 0700)"), "\(f.message)")
        #expect(when == "the umask varies (alone)")
        #expect(f.evidence?["alsoInside"]?.contains("out.tar.gz › d/a: tar mode of 'd/a': 0644 vs 0600") == true, "\(f.evidence ?? [:])")
    }

    @Test(.enabled(if: installed("zip"), "zip is not installed"))
    func zipTimesAreLocalAndItsOrderIsTheDirectorys() async throws {
        let h = try Harness("tc-zip", files: ["stage/a.txt": "a\n", "stage/b.txt": "b\n", "stage/c.txt": "c\n"])
        defer { h.remove() }
        _ = try await Exec.run(["/bin/sh", "-c", "chmod 644 stage/*.txt && touch -d @1700000000 stage/*.txt"], cwd: h.dir.path)
        let (f, when, _) = try await Self.check(h, "command: 'cd stage && zip -X -q -r ../out.zip .'\noutputs: [out.zip]")
        #expect(f.message.contains("likely cause: a timestamp in a zip entry (zip modification time (DOS date and time, local time)"), "\(f.message)")
        #expect(f.message.contains("at out.zip › ") && f.evidence?["alsoInside"]?.contains("zip member order") == true, "\(f.message) \(f.evidence ?? [:])")
        #expect(when == "TZ varies (alone); the directory order varies (alone)", "\(when)")
    }

    @Test(.enabled(if: installed("gcc", "ar"), "needs gcc and ar (binutils)"))
    func cEmbedsTheBuildPathInAStaticLibrary() async throws {
        let h = try Harness("tc-c", files: ["src/hello.c": "const char *where(void) { return __FILE__; }\n"])
        defer { h.remove() }
        let (f, when, _) = try await Self.check(
            h, "command: 'mkdir -p build && gcc -O2 -c \"$PWD/src/hello.c\" -o build/hello.o && ar rcD build/libhello.a build/hello.o'\noutputs: [build/libhello.a]")
        #expect(f.message.contains("at build/libhello.a › hello.o byte "), "\(f.message)")
        #expect(f.message.contains("likely cause: an absolute path"), "\(f.message)")
        #expect(when == "the build path varies (alone)")
        #expect(f.help?.contains("-ffile-prefix-map=$PWD=.") == true, "\(f.help ?? "")")
    }

    @Test(.enabled(if: installed("gcc") && libfaketime, "needs gcc and libfaketime (Debian package faketime)"))
    func cDateMacroFollowsTheClock() async throws {
        // __DATE__ is a local date: TZ=UTC0 keeps the zone variation from moving it across midnight, so
        // that the clock is the one culprit at any hour.
        let h = try Harness("tc-cdate", files: ["when.c": "const char *built(void) { return \"built \" __DATE__; }\n"])
        defer { h.remove() }
        let (f, when, _) = try await Self.check(h, "command: 'unset SOURCE_DATE_EPOCH; mkdir -p build && TZ=UTC0 gcc -c when.c -o build/when.o'\noutputs: [build/when.o]")
        #expect(f.message.contains("likely cause: a timestamp"), "\(f.message)")
        #expect(when == "the clock varies (alone)")
        #expect(f.help?.contains("-Wdate-time") == true, "\(f.help ?? "")")
    }

    @Test(.enabled(if: installed("cargo"), "cargo is not installed"))
    func rustEmbedsTheBuildPathInAnRlib() async throws {
        let h = try Harness("tc-rust", files: [
            "Cargo.toml": "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            "src/lib.rs": "pub fn where_am_i() -> &'static str { file!() }\npub fn check(x: u32) -> u32 { assert!(x < 9, \"too big\"); x }\n",
        ])
        defer { h.remove() }
        // rustup finds its toolchains through HOME unless told: pin them as a CI job would.
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        let env = ProcessInfo.processInfo.environment
        let rustup = env["RUSTUP_HOME"] ?? home + "/.rustup", cargoHome = env["CARGO_HOME"] ?? home + "/.cargo"
        let (f, when, _) = try await Self.check(
            h, "command: 'cargo build --release --offline -q'\noutputs: [target/release/libdemo.rlib]\nstderr: false\n"
                + "env: {RUSTUP_HOME: '\(rustup)', CARGO_HOME: '\(cargoHome)'}\ntimeout: 5m",
            // rustc never finishes with libfaketime 0.9.10 preloaded (it hangs at start-up, 'rustc --version'
            // too), so the clock is left alone here; every other variation is applied.
            vary: "[" + Variation.names.filter { $0 != "time" }.joined(separator: ", ") + "]")
        #expect(f.message.contains("at target/release/libdemo.rlib › lib.rmeta byte "), "\(f.message)")
        #expect(f.message.contains("likely cause: an absolute path"), "\(f.message)")
        #expect(when == "the build path varies (alone)")
        #expect(f.help?.contains("--remap-path-prefix") == true, "\(f.help ?? "")")
    }

    @Test(.enabled(if: installed("javac", "jar"), "needs javac and jar (a JDK)"))
    func aJarStoresTheBuildTime() async throws {
        let h = try Harness("tc-java", files: ["src/Hello.java": "public class Hello { public static void main(String[] a) { System.out.println(\"hi\"); } }\n"])
        defer { h.remove() }
        let (f, when, _) = try await Self.check(
            h, "command: 'javac -d classes src/Hello.java && mkdir -p out && jar --create --file out/hello.jar -C classes .'\noutputs: [out/hello.jar]\ntimeout: 5m")
        #expect(f.message.contains("at out/hello.jar › META-INF/"), "\(f.message)")
        #expect(f.message.contains("likely cause: a timestamp in a zip entry"), "\(f.message)")
        #expect(f.help?.contains("project.build.outputTimestamp") == true, "\(f.help ?? "")")
        // The jar tool stamps its entries with the time of the build, so even two runs under the same
        // conditions differ; the time variation alone makes it differ as well.
        #expect(when.hasPrefix("nothing varies: every run reads the clock") || when == "the clock varies (alone)", "\(when)")
    }
}

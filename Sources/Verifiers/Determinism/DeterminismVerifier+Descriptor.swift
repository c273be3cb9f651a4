import Foundation
import GateCore

extension DeterminismVerifier {
    public static let descriptor = VerifierDescriptor(
        id: "determinism",
        summary: "Runs a command several times under varied conditions: outputs must be byte-identical and match golden digests.",
        discussion: """
            Run 1 is the control, under the conditions gate found; runs 2..N apply every variation in 'vary' with
            values that differ from the control's. Outputs (stdout, stderr and the files 'outputs' names) are
            hashed with XXH3-128 as they stream to disk, and compared by digest. A file counts as a run's output
            when the run created or rewrote it. Each run's outputs are kept under
            Reports/<suite>/determinism/<check>/run-N/ with a run.json saying what that run applied.

            Each divergence names the artifact, the first differing byte and line, the JSON path for JSON
            (such as $.items[3].createdAt), a short unified diff for text, the likely cause (a timestamp, an
            absolute path, a process ID, the host name, random bytes, or a value a variation put there) with
            the fix for the toolchain that made it, and the command for a deep diff (diffoscope when installed).
            Archives and compressed streams are opened layer by layer (gzip, bzip2, xz, zstd; tar, zip, ar, so
            wheels, jars, .deb and .rlib too) and the difference is named at the innermost level:
            'dist/x.tar.gz › x/PKG-INFO line 3', or the header field (tar mtime, zip entry time, gzip MTIME).
            The most precise finding leads: a declared output with a named cause before stdout, stderr last.

            When outputs differ under several variations, a bisection reruns the command under fewer (the
            suspects the cause points at alone first, then delta debugging) and reports the smallest set
            that still makes them differ: "differs when: PYTHONHASHSEED varies (alone)". Its runs are kept
            as bisect-K/ and counted in the stats ('bisect-runs' caps them; 'bisect: false' turns it off).

            Variations (reprotest's list is the reference; 'vary: all' takes every one):
            \(Variation.allCases.map { "  \($0.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n"))
            A variation this machine cannot apply (no libfaketime, no user namespaces, no compiler for the
            preload shim) is reported in the summary, the stats, the log and a determinism/variation-not-applied
            warning; it is never skipped silently, and 'strict: true' makes it an error.

            With 'golden', the digests of run 1 must match the lock file, which 'record: true' (or
            'gate replay record') writes as sorted JSON. With 'cases', the command runs once per input file
            ('{case}' is its path, '{name}' its file name without extension, $GATE_CASE too); each case is
            compared on its own and is its own JUnit testcase (determinism/case/<path>).
            """,
        parameters: [
            ParameterSpec("command", .command, required: true,
                          "The command: a string for /bin/sh -c, or a list for an argv. '{case}' and '{name}' are filled in with 'cases'."),
            ParameterSpec("cwd", .path, "Working directory for the command (default: the check's cwd, else its root)."),
            ParameterSpec("env", .map, "Extra environment variables for every run (${VAR} expands)."),
            ParameterSpec("timeout", .duration, "Stop a single run after this long; the run's whole process group is killed."),
            ParameterSpec("runs", .int, default: "2", range: 1...1000, "How many times to run (each case). 1 is allowed with 'golden'."),
            ParameterSpec("outputs", .stringList,
                          "Globs of the files the command writes, relative to the working directory ('{case}' and '{name}' allowed)."),
            ParameterSpec("stdout", .bool, default: "true", "Compare stdout."),
            ParameterSpec("stderr", .bool, default: "true", "Compare stderr."),
            ParameterSpec("vary", .stringList, default: "[]",
                          "Variations for runs 2..N: all, or any of " + Variation.names.joined(separator: ", ") + "."),
            ParameterSpec("normalize", .any,
                          "What may differ between runs, removed before comparing. A list of rules: {pattern: REGEX, "
                          + "replace: TEXT} rewrites text; {json: PATH or [PATHS]} drops JSON fields ($.meta.generatedAt, "
                          + "$.items[*].id, $..createdAt). Each rule may take 'outputs: [globs]' to apply to those files only."),
            ParameterSpec("golden", .path, "A lock file of expected digests (sorted JSON). Missing lock: the check errors; record it first."),
            ParameterSpec("record", .bool, default: "false", "Write the golden lock from this run instead of verifying it (when the outputs are deterministic)."),
            ParameterSpec("cases", .string, "A glob of input files, relative to the working directory; each is replayed and compared on its own."),
            ParameterSpec("parallel", .bool, default: "false",
                          "Let runs overlap when their outputs cannot collide: with 'path' in vary, or when only stdout and stderr are compared."),
            ParameterSpec("allow-failure", .bool, default: "false",
                          "Accept a command that fails the same way in every run (its exit status is still compared and recorded)."),
            ParameterSpec("copy-exclude", .stringList, default: "[.git/, .build/, .gate/]",
                          "Globs left out of the working-directory copies the 'path' variation makes."),
            ParameterSpec("strict", .bool, default: "false",
                          "Make a requested variation that this machine cannot apply an error, instead of a warning."),
            ParameterSpec("bisect", .bool, default: "true",
                          "When outputs differ under several variations, rerun with fewer to find the smallest set that still makes them differ."),
            ParameterSpec("bisect-runs", .int, default: "16", range: 1...200, "The most extra runs a bisection may take."),
            ParameterSpec("faketime-library", .path,
                          "libfaketime.so.1 to preload for the 'time' variation (default: the installed one; GATE_LIBFAKETIME overrides too)."),
            ParameterSpec("archive-depth", .int, default: "6", range: 0...16,
                          "How many nested archive and compression layers to open to find where outputs differ (0: none)."),
            ParameterSpec("archive-limit", .int, default: "256", range: 1...65_536,
                          "MiB unpacked at most per archive member compared (a zip bomb stops there)."),
        ],
        rules: [
            RuleDescriptor("determinism/output-diverged", "An output differs between runs.",
                           help: "Read the finding's cause and diff; keep time, paths, host names and randomness out of outputs, or 'normalize' accepted fields."),
            RuleDescriptor("determinism/exit-code-diverged", "The command's exit status differs between runs.",
                           help: "Read the failing run's stderr, kept under run-N/: the command fails under that run's conditions."),
            RuleDescriptor("determinism/missing-output", "An output was written in some runs and not in others.",
                           help: "Make every run write every output: clean first, or add 'path' to vary so each run starts from a fresh copy."),
            RuleDescriptor("determinism/golden-mismatch", "An output's digest, or the exit status, differs from the golden lock.",
                           help: "If the change is intended, re-record with 'gate replay record' and commit the lock with the change."),
            RuleDescriptor("determinism/variation-not-applied", "A requested variation cannot be applied on this machine.", severity: .warning,
                           help: "Run where it is permitted (for example as root in CI), or remove it from 'vary'."),
        ],
        examples: [
            VerifierExample("A command with a stable output", with: "command: printf stable > out\noutputs: [out]", expect: .passed),
            VerifierExample("The time leaks into the output", with: "command: date +%s%N > out\noutputs: [out]",
                            expect: .failed, expectRules: ["determinism/output-diverged"]),
            VerifierExample("A field that is known to vary, dropped before comparing",
                            with: """
                                command: 'printf "{\\"total\\": 12, \\"at\\": \\"%s\\"}" "$(date +%s%N)"'
                                normalize: [{json: $.at}]
                                """,
                            expect: .passed),
            VerifierExample("A local time under the tz variation", with: "command: date +%Z\nvary: [tz]",
                            expect: .failed, expectRules: ["determinism/output-diverged"]),
        ])
}

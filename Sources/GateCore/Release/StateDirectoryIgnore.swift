import Foundation

/// `.gate/.gitignore`: written the first time gate uses a state directory, so that its local state (run
/// history, result cache, locks, temporary files) stays out of git while the decisions people make
/// (`waivers.yaml`, `attestations.yaml`) are committed and reviewed. An existing file is never touched.
public enum StateDirectoryIgnore {
    public static let fileName = ".gitignore"

    public static let contents = """
        # Written by gate on first use. gate's local state (run history, result cache, locks) stays out of git.
        # waivers.yaml, attestations.yaml and baselines (write-baseline: true) are decisions to review: commit them.
        *
        !.gitignore
        !\(WaiverFile.fileName)
        !\(AttestationFile.fileName)
        !*-baseline.json

        """

    /// Writes the file in `directory` unless one is there. Best effort: state keeps working without it.
    public static func ensure(in directory: String) {
        let path = directory + "/" + fileName
        guard access(path, F_OK) != 0 else { return }
        // O_EXCL: two runs starting at once write it once.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

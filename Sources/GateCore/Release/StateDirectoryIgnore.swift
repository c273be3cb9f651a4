import Foundation

/// `.gate/.gitignore`: written the first time gate uses a state directory, so that its local state (run
/// history, result cache, locks, temporary files) stays out of git while the decisions people make
/// (`waivers.yaml`, `attestations.yaml`, baselines) are committed and reviewed. A file someone wrote or edited
/// is never touched; one that is byte for byte what an earlier gate wrote is brought up to date.
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

    /// What earlier gates wrote, exactly: such a file was never edited and gets the current contents (the
    /// first one lacked the baseline line, so `write-baseline: true` files stayed out of git).
    static let earlierContents: [String] = [
        """
        # Written by gate on first use. gate's local state (run history, result cache, locks) stays out of git.
        # waivers.yaml and attestations.yaml are decisions to review: commit them.
        *
        !.gitignore
        !\(WaiverFile.fileName)
        !\(AttestationFile.fileName)

        """,
    ]

    /// Writes the file in `directory` unless one is there, and updates one an earlier gate wrote and nobody
    /// edited. Best effort: state keeps working without it.
    public static func ensure(in directory: String) {
        let path = directory + "/" + fileName
        guard access(path, F_OK) != 0 else {
            upgradeIfUntouched(path)
            return
        }
        // O_EXCL: two runs starting at once write it once.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// Replaces the file by rename (never a half-written .gitignore) when its bytes are an earlier gate's.
    private static func upgradeIfUntouched(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path), data.count < 4096,
              let text = String(data: data, encoding: .utf8), earlierContents.contains(text) else { return }
        let temporary = path + ".gate-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written != bytes.count || rename(temporary, path) != 0 { unlink(temporary) }
    }
}

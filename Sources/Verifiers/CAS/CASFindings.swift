import ContentHash
import GateCore

/// The findings the cas verifier reports, built in one place so that every message names the object
/// path, says what is wrong and how to fix it, and carries the expected and actual digests as evidence.
enum CASFindings {
    static func hashMismatch(path: String, expected: String, actual: String, algorithm: HashAlgorithm) -> Finding {
        Finding(rule: "cas/hash-mismatch",
                message: "'\(path)' hashes to \(algorithm.rawValue) '\(actual)', not '\(expected)': the object is corrupt",
                path: path, identity: "\(expected)>\(actual)",
                evidence: ["expected": expected, "actual": actual, "algorithm": algorithm.rawValue],
                help: "Restore the object from a replica or backup, or re-add its source with 'gate cas put'.")
    }

    static func sizeMismatch(path: String, expected: Int, actual: Int, digest: String?, what: String) -> Finding {
        var evidence = ["expectedSize": String(expected), "actualSize": String(actual)]
        if let digest { evidence["digest"] = digest }
        return Finding(rule: "cas/size-mismatch",
                       message: "'\(path)' is \(actual) bytes but \(what) says \(expected)",
                       path: path, identity: "\(digest ?? "")@\(expected)>\(actual)", evidence: evidence,
                       help: "A truncated or padded write: restore the object, or fix the size that refers to it.")
    }

    static func missing(path: String, digest: String, referencedBy: String) -> Finding {
        Finding(rule: "cas/missing-object",
                message: "'\(path)' (\(digest)) is referenced by '\(referencedBy)' but absent",
                path: path, identity: "\(digest)<\(referencedBy)", evidence: ["expected": digest, "referencedBy": referencedBy],
                help: "Copy the object back into the store, or remove the reference.")
    }

    static func orphan(path: String, reason: String) -> Finding {
        Finding(rule: "cas/orphan", severity: .warning, message: "'\(path)' is an orphan: \(reason)",
                path: path, identity: "orphan",
                help: "Garbage-collect it if nothing needs it, or add it to a manifest.")
    }

    static func badName(path: String, reason: String) -> Finding {
        Finding(rule: "cas/bad-name", message: "'\(path)' is not a valid object path: \(reason)",
                path: path, identity: reason,
                help: "Move or delete the file; a store holds only files named by their digest.")
    }

    static func partialWrite(path: String) -> Finding {
        Finding(rule: "cas/partial-write", message: "'\(path)' is a temporary file left by an interrupted write",
                path: path, identity: "partial-write",
                help: "Delete it once no writer is running, then re-add the object it was meant to become.")
    }

    static func unreadable(path: String, reason: String) -> Finding {
        Finding(rule: "cas/unreadable", message: "cannot read \(reason)", path: path, identity: "unreadable",
                help: "Fix the file's permissions or the disk error, then verify again.")
    }

    static func formatVersion(path: String, message: String, severity: Severity = .error) -> Finding {
        Finding(rule: "cas/format-version", severity: severity, message: message, path: path, identity: message,
                help: "Write the layout version this gate supports (see docs/cas-format.md).")
    }

    static func badManifest(path: String, line: Int? = nil, problem: String) -> Finding {
        Finding(rule: "cas/bad-manifest", message: "'\(path)'\(line.map { ":\($0)" } ?? ""): \(problem)",
                path: path, line: line, identity: problem,
                help: "Fix or regenerate the manifest or index so that it parses.")
    }

    static func symlink(_ issue: WalkIssue, prefix: String) -> Finding {
        let join = { (p: String) in prefix.isEmpty ? p : prefix + "/" + p }
        switch issue {
        case .symlinkOutsideRoot(let p, let t):
            return Finding(rule: "cas/symlink", message: "'\(join(p))' links outside the store to '\(t)'; not followed",
                           path: join(p), identity: "outside", help: "Replace the link with the object itself.")
        case .symlinkLoop(let p, let t):
            return Finding(rule: "cas/symlink", message: "'\(join(p))' links to '\(t)', a directory containing it: a loop",
                           path: join(p), identity: "loop", help: "Remove the link.")
        case .danglingSymlink(let p, let t):
            return Finding(rule: "cas/symlink", message: "'\(join(p))' links to '\(t)', which does not exist",
                           path: join(p), identity: "dangling", help: "Remove the link or restore its target.")
        case .special(let p):
            return badName(path: join(p), reason: "a FIFO, socket or device, not a regular file")
        case .unreadable(let p, let m):
            return unreadable(path: join(p), reason: "directory '\(join(p))': \(m)")
        }
    }
}

import ContentHash
import GateCore

/// The findings of `layout: git`, in one place so that each names the object (full id), where it lives,
/// what git's fsck says about the same thing, and how to repair it.
enum GitFindings {
    static let restore = "Restore the repository from another clone or a backup ('git clone --mirror' from a good copy, or copy the object back)."

    /// A packed or loose object whose content does not hash to its id, or cannot be read at all.
    static func corrupt(path: String, id: String, type: String?, offset: Int?, problem: String, actual: String? = nil,
                        algorithm: HashAlgorithm) -> Finding {
        var evidence = ["expected": id, "algorithm": algorithm.rawValue]
        if let actual { evidence["actual"] = actual }
        if let offset { evidence["offset"] = String(offset) }
        if let type { evidence["type"] = type }
        let at = offset.map { " at offset \($0)" } ?? ""
        let what = type.map { "\($0) " } ?? "object "
        return Finding(rule: "cas/hash-mismatch", message: "\(what)\(id) in '\(path)'\(at) is corrupt: \(problem)",
                       path: path, identity: "\(id)@\(offset ?? -1)", evidence: evidence, help: restore)
    }

    /// A broken pack or index as a whole (header, trailer, count, pairing).
    static func pack(path: String, problem: String, rule: String = "cas/hash-mismatch", evidence: [String: String] = [:],
                     help: String = restore) -> Finding {
        Finding(rule: rule, message: "'\(path)' \(problem)", path: path, identity: problem, evidence: evidence, help: help)
    }

    /// An object something refers to that is not in the repository.
    static func missing(id: String, type: GitType?, referrers: [String], more: Int, path: String) -> Finding {
        let what = type.map { "\($0.name) " } ?? ""
        var by = referrers.joined(separator: ", ")
        if more > 0 { by += " and \(more) more" }
        let first = referrers.first ?? "?"
        return Finding(rule: "cas/missing-object",
                       message: "\(first) → \(what)\(id): \(what)\(id) is missing (referenced by \(by))",
                       path: path, identity: "missing:\(id)",
                       evidence: ["expected": id, "referencedBy": by, "type": type?.name ?? "unknown"],
                       help: "Fetch or copy the object back ('git fetch' from a remote that has it), or restore the repository from a backup.")
    }

    /// A ref, reflog entry or index entry naming an object that is not there.
    static func badHead(name: String, id: String, path: String, problem: String) -> Finding {
        Finding(rule: "cas/missing-object", message: "\(name): \(problem)", path: path, identity: "head:\(name):\(id)",
                evidence: ["expected": id, "referencedBy": name],
                help: "Point the ref at an existing commit ('git update-ref'), delete it, or restore the missing object.")
    }

    /// git's "dangling" objects: present, unreachable, and nothing refers to them.
    static func dangling(id: String, type: GitType, path: String) -> Finding {
        Finding(rule: "cas/orphan", severity: .warning, message: "dangling \(type.name) \(id): no ref, reflog or other object reaches it",
                path: path, identity: "dangling:\(id)", evidence: ["object": id, "type": type.name],
                help: "Harmless; 'git gc --prune=now' removes it, or 'git branch <name> \(id)' keeps a dangling commit.")
    }

    /// An fsck message about one object's syntax.
    static func badObject(_ message: FsckMessage, id: String, type: GitType, path: String, severity: Severity,
                          offset: Int? = nil) -> Finding {
        var evidence = ["fsckMsgId": message.id.rawValue, "object": id, "type": type.name]
        if let offset { evidence["offset"] = String(offset) }
        return Finding(rule: "cas/bad-object", severity: severity,
                       message: "\(type.name) \(id): \(message.id.rawValue): \(message.text)",
                       path: path, identity: "\(id):\(message.id.rawValue)", evidence: evidence,
                       help: "Rewrite the history that contains the object ('git filter-repo'), or set 'fsck.\(message.id.rawValue)' to 'ignore' in the repository's config if it is known and accepted (git fsck honours it, and so does gate).")
    }

    /// Problems with refs, HEAD, packed-refs or the index that are not a missing object.
    static func badRef(name: String, path: String, problem: String, severity: Severity = .error) -> Finding {
        Finding(rule: "cas/bad-manifest", severity: severity, message: "\(name): \(problem)", path: path,
                identity: "ref:\(name):\(problem)", evidence: ["ref": name],
                help: "Fix the ref with 'git update-ref' or 'git symbolic-ref', or delete it with 'git update-ref -d'.")
    }

    /// A file git keeps beside the objects that gate did not check in depth, said once.
    static func notChecked(path: String, what: String) -> Finding {
        Finding(rule: "cas/format-version", severity: .warning, message: "'\(path)': \(what)", path: path,
                identity: "not-checked:\(what)", help: "Run 'git fsck' (or the git command named) for this part.")
    }
}

import ContentHash
import GateCore

/// Stores where a file's name is the digest of its bytes: any `named` tree (restic repositories among
/// them) and Bazel's disk cache (`cas/<2 hex>/<sha256>`).
enum NamedStore {
    static func verify(_ config: CASConfig, _ context: CheckContext, restic: Bool) async throws -> LayoutOutcome {
        let algorithm = config.algorithm ?? .sha256
        var cfg = config
        if restic { cfg.exclude.append(Glob("config")) }
        var outcome = LayoutOutcome(layout: .named, algorithm: algorithm.rawValue)
        if restic { outcome.notes.append("restic repository: 'config' excluded") }
        let plan = cfg.plan(context: context, walkRoot: context.root, digestLength: algorithm.digestLength) { dir, name in
            classify(dir, name, algorithm)
        }
        outcome.scan = try await ObjectScan.run(plan, context: context, digestLength: algorithm.digestLength)
        return outcome
    }

    /// A full digest as the name, under any directory (a 2-hex parent must be its prefix); or git-style
    /// `<2 hex>/<rest>`.
    static func classify(_ dir: String, _ name: String, _ algorithm: HashAlgorithm) -> ObjectClass {
        if StoreNames.isTemporary(name) { return .partialWrite }
        let length = algorithm.hexLength
        let parent = StoreNames.lastComponent(dir)
        let fanOut = StoreNames.isHex(parent, count: 2)
        if StoreNames.isHex(name, count: length) {
            if fanOut && !name.hasPrefix(parent) {
                return .badName(reason: "its fan-out directory '\(parent)' is not the start of its name")
            }
            return .object(expected: name, method: .content(algorithm))
        }
        if fanOut && StoreNames.isHex(name, count: length - 2) {
            return .object(expected: parent + name, method: .content(algorithm))
        }
        return .badName(reason: "not named by a \(length)-hex \(algorithm.rawValue) digest")
    }
}

enum BazelStore {
    static func verify(_ config: CASConfig, _ context: CheckContext) async throws -> LayoutOutcome {
        var outcome = LayoutOutcome(layout: .bazel, algorithm: HashAlgorithm.sha256.rawValue)
        let cas = context.root + "/cas"
        guard StoreNames.isDirectory(cas) else {
            throw VerifierError("'\(PathUtil.display(context.root))' has no 'cas' directory, so it is not a Bazel disk "
                                + "cache; point 'root' at the directory given to --disk_cache")
        }
        let plan = config.plan(context: context, walkRoot: cas, digestLength: 32, classify: classify)
        outcome.scan = try await ObjectScan.run(plan, context: context, digestLength: 32)
        outcome.notes.append("action cache (ac/) not checked")
        return outcome
    }

    @Sendable static func classify(_ dir: String, _ name: String) -> ObjectClass {
        if StoreNames.isTemporary(name) { return .partialWrite }
        guard StoreNames.isHex(dir, count: 2) else {
            return .badName(reason: "Bazel blobs live in cas/<2 hex>/<sha256>")
        }
        guard StoreNames.isHex(name, count: 64), name.hasPrefix(dir) else {
            return .badName(reason: "not a SHA-256 digest starting with its directory '\(dir)'")
        }
        return .object(expected: name, method: .content(.sha256))
    }
}

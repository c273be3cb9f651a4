import ContentHash
import Foundation
import GateCore

/// gate's own store (docs/cas-format.md): `format`, `objects/<2 hex>/<30 hex>` named by XXH3-128, and
/// optional `manifests/*.json` that list the digests they reference.
enum NativeStore {
    static let formatName = "gate-cas"
    static let version = 1

    static func verify(_ config: CASConfig, _ context: CheckContext) async throws -> LayoutOutcome {
        let root = context.root
        var outcome = LayoutOutcome(layout: .native, algorithm: HashAlgorithm.xxh3_128.rawValue)
        if let text = StoreNames.read(root + "/format") {
            let words = text.split(whereSeparator: \.isWhitespace)
            guard words.count == 2, words[0] == formatName, let v = Int(words[1]) else {
                outcome.findings.append(CASFindings.formatVersion(
                    path: "format", message: "'format' should read '\(formatName) \(version)', not '\(text.prefix(40))'"))
                return outcome
            }
            guard v == version else {
                outcome.findings.append(CASFindings.formatVersion(
                    path: "format", message: "the store is layout version \(v); this gate reads version \(version)"))
                return outcome
            }
        } else if StoreNames.isDirectory(root + "/objects") {
            outcome.findings.append(CASFindings.formatVersion(
                path: "format", message: "the store has no 'format' file; treated as version \(version)", severity: .warning))
        } else {
            throw VerifierError("'\(PathUtil.display(root))' has no 'format' file and no 'objects' directory, so it is not "
                                + "a native store; point 'root' at the store, or set 'layout'")
        }
        let manifests = NativeManifest.loadAll(root + "/manifests")
        // Split across shards, manifest problems are the first slice's to report.
        if (context.slice?.index ?? 0) == 0 { outcome.findings += manifests.findings }
        let referenced: Set<String>? = manifests.present ? Set(manifests.references.map(\.digest)) : nil
        let objects = root + "/objects"
        guard StoreNames.isDirectory(objects) else {
            outcome.findings += manifests.references.map {
                CASFindings.missing(path: path(of: $0.digest), digest: $0.digest, referencedBy: $0.manifest)
            }
            return outcome
        }
        let plan = config.plan(context: context, walkRoot: objects, digestLength: 16,
                               classify: sliced(classify, context.slice), referenced: referenced)
        outcome.scan = try await ObjectScan.run(plan, context: context, digestLength: 16)
        // References: absent objects, and sizes the manifests state.
        for ref in manifests.references where context.slice?.contains(key: digestKey(ref.digest)) ?? true {
            let p = path(of: ref.digest)
            guard let st = FileStat.of(root + "/" + p) else {
                outcome.findings.append(CASFindings.missing(path: p, digest: ref.digest, referencedBy: ref.manifest))
                continue
            }
            if let size = ref.size, Int64(size) != st.size {
                outcome.findings.append(CASFindings.sizeMismatch(path: p, expected: size, actual: Int(st.size),
                                                                 digest: ref.digest, what: "'\(ref.manifest)'"))
            }
        }
        if manifests.present { outcome.notes.append("\(manifests.count) manifests, \(manifests.references.count) references") }
        return outcome
    }

    /// `objects/ab/cdef...` for a digest.
    static func path(of digest: String) -> String {
        "objects/" + digest.prefix(2) + "/" + digest.dropFirst(2)
    }

    @Sendable static func classify(_ dir: String, _ name: String) -> ObjectClass {
        if StoreNames.isHex(dir, count: 2) && StoreNames.isHex(name, count: 30) {
            return .object(expected: dir + name, method: .content(.xxh3_128))
        }
        if StoreNames.isTemporary(name) { return .partialWrite }
        if dir.isEmpty { return .badName(reason: "objects live in 2-hex fan-out directories (objects/<2 hex>/<30 hex>)") }
        return .badName(reason: "not named by an XXH3-128 digest (objects/<2 hex>/<30 hex>, lowercase)")
    }
}

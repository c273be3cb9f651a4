import ContentHash
import Foundation
import GateCore

/// An OCI image layout: `oci-layout`, `index.json` and `blobs/<alg>/<hex>` (sha256, sha512). Every blob
/// must hash to its name; every descriptor reachable from `index.json` (indexes nest, manifests lead to
/// their config, layers, blobs and subject) must name an existing blob of its stated size; blobs nothing
/// reaches are orphans.
enum OCIStore {
    static let indexTypes: Set<String> = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
    ]
    static let manifestTypes: Set<String> = [
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.artifact.manifest.v1+json",
    ]
    static let algorithms: [String: HashAlgorithm] = ["sha256": .sha256, "sha512": .sha512]

    static func verify(_ config: CASConfig, _ context: CheckContext) async throws -> LayoutOutcome {
        let root = context.root
        var outcome = LayoutOutcome(layout: .oci, algorithm: "sha256,sha512")
        guard let layoutText = StoreNames.read(root + "/oci-layout") else {
            throw VerifierError("'\(PathUtil.display(root))' has no 'oci-layout' file, so it is not an OCI image layout")
        }
        let layoutJSON = try? JSONSerialization.jsonObject(with: Data(layoutText.utf8)) as? [String: Any]
        let version = layoutJSON?["imageLayoutVersion"] as? String
        guard let version, version.hasPrefix("1.") else {
            outcome.findings.append(CASFindings.formatVersion(
                path: "oci-layout", message: "'oci-layout' must give imageLayoutVersion 1.x, got '\(version ?? layoutText.prefix(40).description)'"))
            return outcome
        }
        let plan = config.plan(context: context, walkRoot: root + "/blobs", digestLength: 64, classify: classify,
                               collect: true)
        if StoreNames.isDirectory(root + "/blobs") {
            outcome.scan = try await ObjectScan.run(plan, context: context, digestLength: 64)
        }
        var blobs: [String: ScannedObject] = [:]
        for o in outcome.scan.collected {
            let parts = o.path.split(separator: "/")
            if parts.count == 2 { blobs["\(parts[0]):\(parts[1])"] = o }
        }
        var graph = OCIGraph(root: root, blobs: blobs)
        graph.walkIndex()
        outcome.findings += graph.findings
        for (digest, blob) in blobs.sorted(by: { $0.key < $1.key }) where !graph.reached.contains(digest) {
            outcome.findings.append(CASFindings.orphan(path: "blobs/" + blob.path, reason: "no descriptor reachable from index.json names '\(digest)'"))
        }
        outcome.notes.append("\(graph.reached.count) blobs reachable from index.json")
        return outcome
    }

    @Sendable static func classify(_ dir: String, _ name: String) -> ObjectClass {
        if StoreNames.isTemporary(name) { return .partialWrite }
        guard let algorithm = algorithms[dir] else {
            return .badName(reason: "blobs live in blobs/sha256/ or blobs/sha512/")
        }
        guard StoreNames.isHex(name, count: algorithm.hexLength) else {
            return .badName(reason: "not a lowercase \(algorithm.hexLength)-hex \(dir) digest")
        }
        return .object(expected: name, method: .content(algorithm))
    }
}

/// Follows descriptors from `index.json` through nested indexes and manifests.
struct OCIGraph {
    let root: String
    let blobs: [String: ScannedObject]
    var reached: Set<String> = []
    var findings: [Finding] = []

    init(root: String, blobs: [String: ScannedObject]) {
        self.root = root
        self.blobs = blobs
    }

    /// The most of an index or manifest that is read: what registries accept for one (distribution's
    /// registry/handlers/manifests.go maxManifestBodySize; containers/image iolimits.MaxManifestBodySize). A
    /// sparse file of 1 GB named as an index took gate to 1.5 GiB resident.
    static let maxManifestBytes = 4 << 20

    /// An index or manifest's bytes, or nil with a finding when it is larger than `maxManifestBytes` or
    /// cannot be read (`size`: what the scan found, when it did).
    private mutating func read(_ relative: String, size: Int?) -> Data? {
        let path = root + "/" + relative
        let size = size ?? FileStat.of(path).map { Int($0.size) } ?? 0
        guard size <= Self.maxManifestBytes else {
            findings.append(CASFindings.badManifest(path: relative, problem: "is \(size) bytes, more than the 4 MiB registries "
                + "accept for an index or manifest (distribution's maxManifestBodySize); not read"))
            return nil
        }
        switch BoundedFile.read(path, limit: Self.maxManifestBytes) {
        case .success(let r): return r.data
        case .failure(let e):
            findings.append(CASFindings.badManifest(path: relative, problem: "cannot be read: \(e.message)"))
            return nil
        }
    }

    mutating func walkIndex() {
        guard FileStat.of(root + "/index.json") != nil else {
            findings.append(CASFindings.badManifest(path: "index.json", problem: "missing: every OCI layout has an index.json"))
            return
        }
        guard let data = read("index.json", size: nil) else { return }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            findings.append(CASFindings.badManifest(path: "index.json", problem: "not a JSON object"))
            return
        }
        // Depth first with a stack of its own: the spec sets no limit on nesting, and following each
        // descriptor by recursion overflowed the thread's stack at a chain of 3,000 indexes.
        var pending = Array(children(of: json, in: "index.json", isIndex: true).reversed())
        while let (d, source) = pending.popLast() {
            pending += follow(d, from: source).reversed()
        }
    }

    /// The descriptors `json` names, in order, each with the file it came from.
    private mutating func children(of json: [String: Any], in source: String, isIndex: Bool) -> [([String: Any], String)] {
        var list: [Any] = []
        if let m = json["manifests"] as? [Any] { list += m }
        if !isIndex || json["config"] != nil {
            if let c = json["config"] { list.append(c) }
            if let l = json["layers"] as? [Any] { list += l }
            if let b = json["blobs"] as? [Any] { list += b }
        }
        if let s = json["subject"] { list.append(s) }
        var out: [([String: Any], String)] = []
        for (i, item) in list.enumerated() {
            guard let d = item as? [String: Any] else {
                findings.append(CASFindings.badManifest(path: source, problem: "descriptor \(i) is not an object"))
                continue
            }
            out.append((d, source))
        }
        return out
    }

    /// Checks one descriptor; returns the descriptors of the index or manifest it names, to follow next.
    private mutating func follow(_ d: [String: Any], from source: String) -> [([String: Any], String)] {
        guard let digest = d["digest"] as? String else {
            findings.append(CASFindings.badManifest(path: source, problem: "a descriptor has no 'digest'"))
            return []
        }
        guard let colon = digest.firstIndex(of: ":"), !digest.contains("/"), !digest.contains(".."),
            let algorithm = OCIStore.algorithms[String(digest[..<colon])],
            StoreNames.isHex(digest[digest.index(after: colon)...], count: algorithm.hexLength) else {
            findings.append(CASFindings.badName(path: source, reason: "descriptor digest '\(digest.prefix(80))' is not "
                                                + "'sha256:<64 hex>' or 'sha512:<128 hex>' (a '/' or '..' is never allowed)"))
            return []
        }
        let path = "blobs/" + digest.replacingOccurrences(of: ":", with: "/")
        guard let blob = blobs[digest] else {
            findings.append(CASFindings.missing(path: path, digest: digest, referencedBy: source))
            return []
        }
        if let size = (d["size"] as? NSNumber)?.intValue, size != blob.size {
            findings.append(CASFindings.sizeMismatch(path: path, expected: size, actual: blob.size, digest: digest,
                                                     what: "its descriptor in '\(source)'"))
        }
        guard !reached.contains(digest) else { return [] }
        reached.insert(digest)
        let type = d["mediaType"] as? String ?? ""
        let isIndex = OCIStore.indexTypes.contains(type)
        guard blob.valid, isIndex || OCIStore.manifestTypes.contains(type), let data = read(path, size: blob.size) else { return [] }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            findings.append(CASFindings.badManifest(path: path, problem: "a '\(type)' blob that is not a JSON object"))
            return []
        }
        return children(of: json, in: path, isIndex: isIndex)
    }
}

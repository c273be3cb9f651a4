import ContentHash
import GateCore

/// What verifying one store produced, before drift and the summary.
struct LayoutOutcome {
    var layout: Layout
    var algorithm: String
    var scan = ScanResult()
    /// Findings from the layout's own files (format, manifests, indexes, references), within the check's
    /// limits: a manifest can name a million missing objects.
    var findings = FindingCollector()
    var notes: [String] = []
}

extension CASConfig {
    /// A plan over `walkRoot` (absolute, under the check root), skipping gate's state directory, the
    /// excluded globs and the files the check itself reads or writes.
    func plan(context: CheckContext, walkRoot: String, digestLength: Int,
              classify: @escaping @Sendable (String, String) -> ObjectClass,
              referenced: Set<String>? = nil, collect: Bool = false) -> ScanPlan {
        let prefix = PathUtil.relative(walkRoot, to: context.root) == "." ? "" : PathUtil.relative(walkRoot, to: context.root)
        let state = PathUtil.relative(context.stateDirectory, to: walkRoot)
        let skipState = PathUtil.isInside(context.stateDirectory, walkRoot) ? state : nil
        let ownFiles = Set([manifest, snapshot, baseline].compactMap { $0 }.filter { PathUtil.isInside($0, walkRoot) }
            .map { PathUtil.relative($0, to: walkRoot) })
        let globs = exclude
        let join: @Sendable (String) -> String = { p in prefix.isEmpty ? p : prefix + "/" + p }
        let descend: @Sendable (String) -> Bool = { dir in
            dir != skipState && !Glob.any(globs, join(dir) + "/") && !Glob.any(globs, join(dir))
        }
        var filtered = classify
        if !ownFiles.isEmpty || !globs.isEmpty {
            filtered = { dir, name in
                let rel = StoreNames.join(dir, name)
                if ownFiles.contains(rel) || Glob.any(globs, join(rel)) { return .ignore }
                return classify(dir, name)
            }
        }
        return ScanPlan(walkRoot: walkRoot, prefix: prefix, descend: descend, classify: filtered, referenced: referenced,
                        collect: collect || snapshot != nil || baseline != nil, useCache: cache, full: full,
                        sampleBasisPoints: sampleBasisPoints, threads: threads)
    }
}

/// Guesses the layout from the files at the root.
enum LayoutDetection {
    static func detect(_ root: String, config: CASConfig) -> Layout? {
        let at = { (name: String) in root + "/" + name }
        if StoreNames.isFile(at("oci-layout")) { return .oci }
        if let f = StoreNames.read(at("format")), f.hasPrefix(NativeStore.formatName) { return .native }
        if StoreNames.isDirectory(at(".git")) || StoreNames.isFile(at(".git"))
            || (StoreNames.isFile(at("HEAD")) && StoreNames.isDirectory(at("objects")) && StoreNames.isDirectory(at("refs"))) {
            return .git
        }
        if StoreNames.isDirectory(at("cas")) && StoreNames.isDirectory(at("ac")) { return .bazel }
        if isRestic(root) { return .named }
        if config.manifest != nil { return .checksums }
        if StoreNames.isDirectory(at("objects")) { return .native }
        return nil
    }

    /// A restic repository: every file but `config` is named by the SHA-256 of its bytes.
    static func isRestic(_ root: String) -> Bool {
        StoreNames.isFile(root + "/config") && StoreNames.isDirectory(root + "/data") && StoreNames.isDirectory(root + "/keys")
    }
}

import GateCore

/// The files of one `objects/pack/` directory, sorted into pairs and problems: a `.pack` needs its
/// `.idx` (git cannot read a pack without one: `git index-pack` writes it) and an `.idx` without its
/// `.pack` lists objects that are gone; `tmp_pack_*` and `tmp_idx_*` are left by interrupted writes.
struct GitPackDirectory {
    struct Pair {
        var name: String
        var idx: String
        var pack: String
        var promisor: Bool
        var rev: String?
        var bitmap: String?
    }

    var pairs: [Pair] = []
    var findings: [Finding] = []
    var multiPackIndex: String?
    var otherMidxFiles: [String] = []

    init(objects: String, display: (String) -> String) {
        let dir = objects + "/pack"
        let names = Set(LooseObjects.list(dir) ?? [])
        for name in names.sorted() {
            let path = dir + "/" + name
            if name.hasPrefix("tmp_") || StoreNames.isTemporary(name) {
                var f = CASFindings.partialWrite(path: display(path))
                f.severity = .warning
                f.message += " (git ignores it; 'git gc' removes it)"
                findings.append(f)
                continue
            }
            if name == "multi-pack-index" {
                multiPackIndex = path
                continue
            }
            if name.hasPrefix("multi-pack-index") {
                otherMidxFiles.append(path)
                continue
            }
            guard name.hasPrefix("pack-") else { continue }
            if name.hasSuffix(".pack") {
                let base = String(name.dropLast(5))
                guard names.contains(base + ".idx") else {
                    findings.append(Finding(rule: "cas/missing-object",
                        message: "'\(display(path))' has no index '\(base).idx': git cannot read any object in it (git fsck does not even mention it)",
                        path: display(dir + "/" + base + ".idx"), identity: "no-idx",
                        evidence: ["pack": display(path)],
                        help: "Rebuild the index with 'git index-pack \(display(path))', or remove the pack if its objects are elsewhere."))
                    continue
                }
                pairs.append(Pair(name: base, idx: dir + "/" + base + ".idx", pack: path,
                                  promisor: names.contains(base + ".promisor"),
                                  rev: names.contains(base + ".rev") ? dir + "/" + base + ".rev" : nil,
                                  bitmap: names.contains(base + ".bitmap") ? dir + "/" + base + ".bitmap" : nil))
            } else if name.hasSuffix(".idx") {
                let base = String(name.dropLast(4))
                if !names.contains(base + ".pack") {
                    findings.append(Finding(rule: "cas/missing-object",
                        message: "'\(display(path))' indexes a pack that is not there ('\(base).pack'): the objects it lists are gone",
                        path: display(dir + "/" + base + ".pack"), identity: "no-pack", evidence: ["idx": display(path)],
                        help: "Restore the pack from a backup or another clone, or delete the stale index."))
                }
            }
        }
    }
}

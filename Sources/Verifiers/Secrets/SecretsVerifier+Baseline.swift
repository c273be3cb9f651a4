import Foundation
import GateCore

extension SecretsVerifier {
    struct BaselineResult {
        var waived = 0
        /// Entries that matched no finding (nil without a baseline).
        var stale: Int?
    }

    /// Waives the findings the baseline lists. Only findings at a (path, rule) the baseline names need the
    /// slow derivation. A baseline of the first format (fast SHA-256) is matched by its old hash, then
    /// rewritten in the current one: the entries that matched are derived anew, the others (whose values
    /// a hash cannot give back) are dropped; a note says so.
    func applyBaseline(_ reported: [(hit: SecretHit, place: Baseline.Place)], to findings: inout [Finding],
                       notes: inout [String], log: inout [String]) throws -> BaselineResult {
        guard let path = options.baseline else { return BaselineResult() }
        // 'write-baseline: true' with a 'baseline' not written yet: this run creates it.
        if options.writeBaseline == path && !FileManager.default.fileExists(atPath: path) { return BaselineResult() }
        let display = options.baselineDisplay ?? path
        let baseline = try Baseline.read(path, display: display)
        let places = baseline.places
        let candidates = reported.indices.filter { places.contains(reported[$0].place) }
        let keys = baseline.keys(candidates.map { (reported[$0].place.rule, reported[$0].hit.value) }, jobs: options.jobs)
        var result = BaselineResult()
        var matched = Set<Baseline.Entry>()
        var matchedHits: [Int] = []
        for (i, k) in zip(candidates, keys) {
            let entry = Baseline.Entry(path: reported[i].place.path, rule: reported[i].place.rule, secret: k)
            guard baseline.entries.contains(entry) else { continue }
            findings[i].waived = true
            findings[i].waiver = "listed in the baseline '\(display)'"
            result.waived += 1
            matched.insert(entry)
            matchedHits.append(i)
        }
        result.stale = baseline.entries.subtracting(matched).count
        if baseline.legacy {
            let kdf = BaselineKDF.fresh()
            let derived = kdf.derive(matchedHits.map { (reported[$0].place.rule, reported[$0].hit.value) }, jobs: options.jobs)
            let entries = zip(matchedHits, derived).map { i, k in
                Baseline.Entry(path: reported[i].place.path, rule: reported[i].place.rule, secret: k)
            }
            let dropped = baseline.entries.count - matched.count
            var note = "baseline '\(display)' was in the first format, which kept a fast SHA-256 hash of each value: "
                + "rewritten with salted PBKDF2-SHA256 (\(Format.count(entries.count)) entries"
            note += dropped > 0 ? "; \(dropped) that matched no finding were dropped, since a hash cannot give their values back)" : ")"
            do {
                try Baseline(kdf: kdf, entries: entries).write(path)
                note += "; commit the new file"
            } catch {
                note += "; but it could not be written (\(error)): run with 'write-baseline: \(display)'"
            }
            log.append("note: " + note)
            notes.append("baseline migrated to salted PBKDF2")
        }
        return result
    }

    /// Writes every reported finding to the baseline at `path`, keeping that file's salt and cost when it
    /// is a current baseline already (same findings, same bytes). Returns the number of entries.
    func writeBaseline(_ reported: [(hit: SecretHit, place: Baseline.Place)], to path: String) throws -> Int {
        let kdf = Baseline.existingKDF(path) ?? .fresh()
        let keys = kdf.derive(reported.map { ($0.place.rule, $0.hit.value) }, jobs: options.jobs)
        let entries = zip(reported, keys).map { r, k in Baseline.Entry(path: r.place.path, rule: r.place.rule, secret: k) }
        let baseline = Baseline(kdf: kdf, entries: entries)
        try baseline.write(path)
        return baseline.entries.count
    }
}

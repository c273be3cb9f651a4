/// Which checks a run selects, from `--only`, `--skip` and `--tag`, and why the others are skipped.
public struct Selection: Sendable, Equatable {
    /// Selected ids, in suite order.
    public var selected: [String]
    /// Not selected, with the reason shown in reports.
    public var excluded: [String: String]

    /// Computes the selection. Unknown ids are usage errors with a did-you-mean.
    public static func compute(_ suite: Suite, options: RunOptions) throws(ConfigError) -> Selection {
        let ids = suite.checks.map(\.id)
        let known = Set(ids)
        for id in options.only + options.skip where !known.contains(id) {
            var m = "no check '\(id)' in suite '\(suite.name)'"
            if let s = DidYouMean.suggest(id, among: ids) { m += "; did you mean '\(s)'?" }
            throw .usage(m)
        }
        var chosen = Set(ids)
        var reason: [String: String] = [:]
        if !options.only.isEmpty {
            chosen = Set(options.only)
            for id in ids where !chosen.contains(id) { reason[id] = "not selected by --only" }
        }
        if !options.tags.isEmpty {
            let tagged = Set(suite.checks.filter { !Set($0.tags).isDisjoint(with: options.tags) }.map(\.id))
            for id in chosen where !tagged.contains(id) { reason[id] = "no tag matches --tag" }
            chosen.formIntersection(tagged)
        }
        // Pull in what the chosen checks need, transitively.
        let needs = Dictionary(suite.checks.map { ($0.id, $0.needs) }, uniquingKeysWith: { a, _ in a })
        var stack = Array(chosen)
        while let id = stack.popLast() {
            for n in needs[id] ?? [] where !chosen.contains(n) {
                chosen.insert(n)
                reason[n] = nil
                stack.append(n)
            }
        }
        for id in options.skip {
            chosen.remove(id)
            reason[id] = "skipped by --skip"
        }
        return Selection(selected: ids.filter { chosen.contains($0) }, excluded: reason)
    }
}

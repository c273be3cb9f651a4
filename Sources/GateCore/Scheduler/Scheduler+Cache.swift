import Foundation

extension Scheduler {
    /// The key builder `run` would use for `check` (nil when it is not cached): for tools and tests that
    /// need to know what a check's inputs are.
    public func cacheKeyBuilder(for check: CheckSpec, in suite: Suite) -> CacheKeyBuilder? {
        var context = makeContext(check, suite: suite)
        if check.cache.split { context.slice = options.shard }
        return cacheKeyBuilder(check, suite: suite, context: context)
    }

    /// The key builder for a check, or nil when the cache is off or the check cannot be cached
    /// (`CheckSpec.mayUseResultCache`).
    func cacheKeyBuilder(_ check: CheckSpec, suite: Suite, context: CheckContext) -> CacheKeyBuilder? {
        guard options.cache != nil, check.mayUseResultCache else { return nil }
        let defaults = check.verifier.defaultInputs(check.parameters)
        guard var inputs = check.cache.inputs ?? defaults?.paths else { return nil }
        // Defaults are worked out from the parameters, which cannot see a check-level `cwd:` outside the
        // root: what runs there may read it, so it joins the inputs (more misses, never a false hit).
        if check.cache.inputs == nil, let cwd = check.cwd, !PathUtil.isInside(cwd, check.root) { inputs.append(cwd) }
        // The env the suite sets for the check is configuration: always in the key. Declared names add
        // values gate inherited, which a command may read.
        var names = Set(suite.env.keys).union(check.env.keys).union(check.cache.envInputs)
        names.formUnion(defaults?.environment ?? [])
        var environment: [String: String?] = [:]
        for n in names { environment[n] = context.environment[n] }
        let state = options.stateDirectory ?? (suite.root + "/.gate")
        var builder = CacheKeyBuilder(
            verifierID: check.verifierID, gateVersion: options.cacheVersion, root: check.root, cwd: context.cwd,
            slice: context.slice, parameters: check.parameters.values, environment: environment, inputs: inputs,
            excluded: [PathUtil.normalize(state), PathUtil.normalize(options.reportsDirectory)],
            declared: check.cache.inputs != nil)
        builder.outputs = defaults?.exclude ?? []
        // Declared inputs are taken as written; the verifier's skipped directories only narrow its defaults.
        if check.cache.inputs == nil { builder.skipDirectories = defaults?.skipDirectories ?? [] }
        return builder
    }

    /// Looks the check up. A hit is the finished result; a miss returns the key info to store under later.
    func lookUp(_ builder: CacheKeyBuilder, store: any ResultCacheStore) -> (CachedOutcome?, CacheInfo?) {
        do {
            let k = try builder.compute(store: store)
            var info = CacheInfo(key: k.key, inputFiles: k.files, hashedFiles: k.hashedFiles, hashedBytes: k.hashedBytes)
            // Defaults name optional files (a database's -wal); only declared inputs that match nothing are news.
            if builder.declared, !k.unmatched.isEmpty {
                info.note = "inputs matched no file: " + k.unmatched.map { "'\($0)'" }.joined(separator: ", ")
            }
            return (try store.outcome(forKey: k.key), info)
        } catch {
            // The cache is an optimisation: trouble with it runs the check and says why.
            return (nil, CacheInfo(key: "", inputFiles: 0, hashedFiles: 0, hashedBytes: 0,
                                   note: "cache not used: \(error)"))
        }
    }

    /// Stores a fresh outcome, unless its inputs changed while the check ran: then the outcome may belong
    /// to neither the old key nor the new one.
    func store(_ outcome: CheckOutcome, durationMs: Int, check: CheckSpec, builder: CacheKeyBuilder,
               info: inout CacheInfo, store: any ResultCacheStore) {
        do {
            let after = try builder.compute(store: store)
            guard after.key == info.key else {
                info.note = "inputs changed while the check ran; the result was not cached"
                return
            }
            try store.save(CachedOutcome(outcome, durationMs: durationMs), key: info.key, checkID: check.id)
        } catch {
            info.note = "result not cached: \(error)"
        }
    }
}

extension CheckSpec {
    /// True when the result cache can answer this check: not `cache: false`, not a manual item, and either
    /// the suite declares its `inputs:` or the verifier knows what it reads. The scheduler keys only such
    /// checks, and a run opens the cache file only when it selected one.
    public var mayUseResultCache: Bool {
        cache.enabled && manual == nil && (cache.inputs != nil || verifier.defaultInputs(parameters) != nil)
    }
}

import GateCore

extension DeterminismVerifier {
    /// The working directory the command runs in (its build inputs, cases and golden lock), plus the
    /// golden file and cases when they live elsewhere, less the `outputs` the command writes there. Programs outside that directory (an interpreter
    /// in /usr/bin) are not inputs: declare them with `inputs:` when their version matters. A check that
    /// records the golden lock is not cached, since writing it is the point.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        guard !settings.record else { return nil }
        let cwd = settings.cwd ?? parameters.root
        var paths = [cwd]
        if let golden = settings.golden { paths.append(golden) }
        if let cases = settings.cases { paths.append(PathUtil.resolve(cases, against: cwd)) }
        // The outputs it compares are written into the working directory by the command: not inputs.
        return CacheInputs(paths: paths, exclude: settings.outputs.map { PathUtil.resolve($0, against: cwd) })
    }
}

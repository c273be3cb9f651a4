import GateCore

extension BoundariesVerifier {
    /// Every file under the check's root (the sources it scans and the manifests that resolve them), and
    /// the rules file, tsconfig and baseline. A check that writes a baseline or a graph is not cached.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        guard options.writeBaseline == nil, options.graphOutput == nil else { return nil }
        let extra = ["config", "tsconfig", "baseline"].compactMap { try? parameters.path($0) }
        // The scan never enters hidden directories, node_modules or __pycache__ (see the 'exclude' parameter).
        return CacheInputs(paths: [parameters.root] + extra, skipDirectories: [".*", "node_modules", "__pycache__"])
    }
}

import GateCore

extension TenantIsolationVerifier {
    /// The tenant database file and its write-ahead log. A check that probes a live HTTP API is not
    /// cached: the server's behaviour is not a file gate can digest.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        // A PostgreSQL database is not a file either.
        guard http == nil, let database, case .sqlite(let path) = database.location else { return nil }
        return CacheInputs(paths: [path, path + "-wal"])
    }
}

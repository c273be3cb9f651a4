import GateCore

extension MigrationsVerifier {
    /// The migration directory and the history database, with SQLite's write-ahead log beside it (a
    /// committed transaction can sit there before a checkpoint).
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        var paths = [directory]
        if let database { paths += [database, database + "-wal"] }
        return CacheInputs(paths: paths)
    }
}

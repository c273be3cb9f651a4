import GateCore
import GateDatabase

extension MigrationsVerifier {
    /// The migration directory and the history database, with SQLite's write-ahead log beside it (a
    /// committed transaction can sit there before a checkpoint). A PostgreSQL database (or one named by an
    /// environment variable) is not a file gate can digest, so such a check is never cached.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        switch database {
        case nil: CacheInputs(paths: [directory])
        case .sqlite(let path): CacheInputs(paths: [directory, path, path + "-wal"])
        case .postgres, .environment: nil
        }
    }
}

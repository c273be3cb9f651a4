import CStateSupport
import GateCore

extension LinkedLibrary {
    /// The SQLite that gate's state files (history, cache, CAS index) are written with.
    public static var sqlite: LinkedLibrary {
        LinkedLibrary(name: "SQLite", version: String(cString: gate_sqlite_version()),
                      codeAddress: gate_sqlite_code_address())
    }
}

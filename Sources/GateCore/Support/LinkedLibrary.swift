import Glibc
import CGateSupport
import CPCRE2
import ContentHash

/// A C library gate was linked with: its version as the library reports it at run time, and where its
/// code was loaded from (the executable itself when it was linked in statically). `gate --version
/// --verbose` lists them; GateStore adds SQLite.
public struct LinkedLibrary: Sendable, Equatable {
    public let name: String
    public let version: String
    /// "static" when the code lives in the executable, else the shared object's path.
    public let linkage: String

    public init(name: String, version: String, codeAddress: UnsafeRawPointer) {
        self.name = name
        self.version = version
        self.linkage = LinkedLibrary.linkage(of: codeAddress)
    }

    /// The libraries GateCore itself links: libxxhash (through ContentHash) and PCRE2.
    public static var core: [LinkedLibrary] {
        let pcre2: @convention(c) (UInt32, UnsafeMutableRawPointer?) -> Int32 = pcre2_config_8
        return [
            LinkedLibrary(name: "libxxhash", version: XXHashLibrary.version, codeAddress: XXHashLibrary.codeAddress),
            LinkedLibrary(name: "PCRE2", version: pcre2Version,
                          codeAddress: unsafeBitCast(pcre2, to: UnsafeRawPointer.self)),
        ]
    }

    /// "10.42 2022-12-11": PCRE2_CONFIG_VERSION writes the version and release date.
    static var pcre2Version: String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let written = buffer.withUnsafeMutableBytes { pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), $0.baseAddress) }
        guard written > 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func linkage(of address: UnsafeRawPointer) -> String {
        guard let file = gate_loaded_from(address).map({ String(cString: $0) }) else { return "unknown" }
        guard let executable = gate_loaded_from(mainAddress).map({ String(cString: $0) }) else { return file }
        return file == executable ? "static" : "shared: \(file)"
    }

    /// An address inside the executable (a C function of gate's own C support target, linked in always).
    private static var mainAddress: UnsafeRawPointer {
        let function: @convention(c) () -> UnsafePointer<CChar>? = gate_build_commit
        return unsafeBitCast(function, to: UnsafeRawPointer.self)
    }
}

/// What the build recorded about itself: the commit and the commit's date (see CGateSupport).
public enum BuildInfo {
    public static var commit: String { String(cString: gate_build_commit()) }
    public static var date: String { String(cString: gate_build_date()) }

    /// Which gate produced a cached result: the version, the commit it was built from, and its executable's
    /// size and modification time. Another build that kept the version string (a rebuild from source, an
    /// uncommitted tree, an upgrade between releases) then verifies again instead of replaying this one's
    /// results, which its rules might not share. The executable is read once per process.
    public static let cacheIdentity: String = {
        var id = GateVersion.current + "+" + commit
        var st = stat()
        if stat("/proc/self/exe", &st) == 0 {
            id += "+\(st.st_size).\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        }
        return id
    }()
}

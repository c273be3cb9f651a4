import CXXHash

/// The libxxhash that gate was linked with, for `gate --version --verbose`.
public enum XXHashLibrary {
    /// The library's own version number, as "major.minor.release" (0.8.2 is 802).
    public static var version: String {
        let n = XXH_versionNumber()
        return "\(n / 10000).\(n / 100 % 100).\(n % 100)"
    }

    /// The address of one of the library's functions, to find out which file it was loaded from.
    public static var codeAddress: UnsafeRawPointer {
        let function: @convention(c) () -> UInt32 = XXH_versionNumber
        return unsafeBitCast(function, to: UnsafeRawPointer.self)
    }
}

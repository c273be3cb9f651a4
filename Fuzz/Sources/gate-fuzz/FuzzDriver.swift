import Foundation

/// One fuzz target: a name and a function from bytes to nothing. A target must never crash, trap or hang,
/// whatever the bytes; a thrown or returned error is the expected outcome for bad input.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable (UnsafeBufferPointer<UInt8>) -> Void
}

/// Selects the target from GATE_FUZZ_TARGET and hands libFuzzer its callback.
enum FuzzDriver {
    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["GATE_FUZZ_TARGET"] ?? ""
        guard let t = Targets.all.first(where: { $0.name == name }) else {
            let names = Targets.all.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("gate-fuzz: set GATE_FUZZ_TARGET to one of: \(names)\n".utf8))
            exit(2)
        }
        return t
    }()

    static func run() -> CInt {
        _ = target
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.target.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// A scratch directory for targets whose code under test reads files; one per process, reused.
enum Scratch {
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "gate-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// Writes the input to `name` in the scratch directory and returns the full path.
    static func file(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let path = directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd >= 0 {
            if let base = bytes.baseAddress, bytes.count > 0 { _ = write(fd, base, bytes.count) }
            close(fd)
        }
        return path
    }
}

import Crypto
import Foundation
import GateCore

/// The key of the keyed hash that makes a finding's fingerprint tell two secrets apart without any hash
/// of the value in a report: HMAC-SHA256 over the rule and the value. Without the key, a report and a
/// guess confirm nothing.
///
/// The key comes from `GATE_SECRETS_FINGERPRINT_KEY` when set (CI: a secret of the pipeline, so that
/// fingerprints stay stable across fresh clones), else from `secrets-fingerprint.key` in gate's state
/// directory's `tmp/`, created with 32 random bytes on first use (mode 0600): stable across runs in one
/// clone. `tmp/` gets a `.gitignore` of `*` (as pytest does for its cache), so the key, which would make
/// fingerprints a plain hash again, is never committed with the baselines and waivers beside it.
/// When neither can be had, a key for this run only (fingerprints then change from run to run; a note says so).
struct FingerprintKey: Sendable {
    static let environmentName = "GATE_SECRETS_FINGERPRINT_KEY"
    static let fileName = "secrets-fingerprint.key"

    let key: SymmetricKey
    /// Set when the key is this run's only.
    let note: String?

    init(key: SymmetricKey, note: String? = nil) {
        self.key = key
        self.note = note
    }

    static func load(environment: [String: String], stateDirectory: String) -> FingerprintKey {
        if let v = environment[environmentName], !v.isEmpty {
            return FingerprintKey(key: SymmetricKey(data: SHA256.hash(data: Data(v.utf8))))
        }
        let path = stateDirectory + "/tmp/" + fileName
        do {
            return FingerprintKey(key: SymmetricKey(data: try readOrCreate(path)))
        } catch {
            return FingerprintKey(key: SymmetricKey(size: .bits256),
                                  note: "fingerprints of this run use a key of their own (\(error)); set "
                                      + "\(environmentName) to keep them stable")
        }
    }

    /// The key file's 32 bytes, creating it when missing. Two checks creating it at once agree: the file
    /// appears by link(2), which fails when another got there first, and then that one's key is read.
    private static func readOrCreate(_ path: String) throws -> [UInt8] {
        if let d = FileManager.default.contents(atPath: path), d.count == 32 { return Array(d) }
        let dir = PathUtil.dirname(path)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ignore = dir + "/.gitignore"
        if !FileManager.default.fileExists(atPath: ignore) {
            try? Data("# gate's runtime files (the secrets fingerprint key among them): never committed\n*\n".utf8)
                .write(to: URL(fileURLWithPath: ignore), options: .withoutOverwriting)
        }
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw VerifierError("cannot create '\(path)': \(String(cString: strerror(errno)))") }
        defer { unlink(tmp) }
        var bytes = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, 32) }
        close(fd)
        guard written == 32 else { throw VerifierError("cannot write '\(path)'") }
        if link(tmp, path) != 0 && errno != EEXIST {
            throw VerifierError("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        guard let d = FileManager.default.contents(atPath: path), d.count == 32 else {
            throw VerifierError("'\(path)' is not a 32-byte key; delete it and run again")
        }
        return Array(d)
    }

    /// The identity a finding's fingerprint is made from: 128 bits of HMAC-SHA256(key, rule, NUL, value).
    func identity(rule: String, value: SecretValue) -> String {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Array(rule.utf8) + [0])
        mac.update(data: value.bytes)
        return "hmac:" + mac.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

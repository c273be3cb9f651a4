import ContentHash
import Crypto
import CryptoExtras
import Dispatch
import Foundation

/// The slow, salted derivation a baseline keys its entries on: PBKDF2-HMAC-SHA256 of the value, with the
/// file's random salt followed by the rule id as salt, 16 bytes out. The salt and the cost are stored in
/// the file, so a clone matches the same findings; each guess at a value costs an attacker holding the
/// file `iterations` HMAC computations per rule, where the old format (SHA-256) cost one hash.
struct BaselineKDF: Sendable, Equatable {
    static let name = "pbkdf2-sha256"
    /// 2^14 rounds. Measured on the 2-core machine this was built on (quiet core, release build):
    /// see docs/secrets.md, "Baselines"; a 10,000-entry baseline checks in a few seconds on 2 cores.
    static let defaultIterations = 16_384
    /// Below this a file's cost is refused (a hand-edited file must not make guessing cheap again).
    static let minimumIterations = 1_000

    var iterations: Int
    var salt: [UInt8]

    static func fresh(iterations: Int = defaultIterations) -> BaselineKDF {
        var rng = SystemRandomNumberGenerator()
        return BaselineKDF(iterations: iterations, salt: (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// 32 hex digits: PBKDF2(value, salt ‖ rule, iterations).
    func derive(_ value: SecretValue, rule: String) -> String {
        let key = try? KDF.Insecure.PBKDF2.deriveKey(from: value.bytes, salt: salt + Array(rule.utf8), using: .sha256,
                                                     outputByteCount: 16, unsafeUncheckedRounds: iterations)
        return key?.withUnsafeBytes { Hex.encode(Array($0)) } ?? ""
    }

    /// Derivations of many (rule, value) pairs on `jobs` threads; each distinct pair is derived once.
    func derive(_ pairs: [(rule: String, value: SecretValue)], jobs: Int) -> [String] {
        var index: [Pair: Int] = [:]
        var distinct: [Pair] = []
        let slots = pairs.map { p -> Int in
            let key = Pair(rule: p.rule, value: p.value)
            if let i = index[key] { return i }
            index[key] = distinct.count
            distinct.append(key)
            return distinct.count - 1
        }
        let todo = distinct
        let out = Results(count: todo.count)
        let workers = max(1, min(jobs, todo.count))
        let kdf = self
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var i = w
            while i < todo.count {
                out.set(i, kdf.derive(todo[i].value, rule: todo[i].rule))
                i += workers
            }
        }
        return slots.map { out.get($0) }
    }

    private struct Pair: Hashable { var rule: String; var value: SecretValue }

    /// One slot per derivation; each worker writes its own slots only (a raw buffer: no exclusivity check
    /// on a shared array).
    private final class Results: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<String>
        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: "")
        }
        deinit {
            slots.deinitialize()
            slots.deallocate()
        }
        func set(_ i: Int, _ v: String) { slots[i] = v }
        func get(_ i: Int) -> String { slots[i] }
    }
}

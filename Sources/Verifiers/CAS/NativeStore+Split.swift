import ContentHash
import GateCore

extension NativeStore {
    /// Under `split: true`, keeps the objects whose digest falls in this shard's range of the digest space
    /// (contiguous, so each shard walks neighbouring fan-out directories); files that are not objects go
    /// by a hash of their path. Every file is thus verified by exactly one shard.
    static func sliced(_ classify: @escaping @Sendable (String, String) -> ObjectClass,
                       _ slice: ShardSlice?) -> @Sendable (String, String) -> ObjectClass {
        guard let slice, slice.count > 1 else { return classify }
        return { dir, name in
            let c = classify(dir, name)
            if case .object(let expected?, _) = c {
                return slice.contains(key: digestKey(expected)) ? c : .ignore
            }
            return slice.contains(key: ContentHash.xxh3_64(StoreNames.join(dir, name))) ? c : .ignore
        }
    }

    /// The first 64 bits of a hex digest, as a number: its place in the digest space.
    static func digestKey(_ hex: String) -> UInt64 {
        UInt64(hex.prefix(16).padding(toLength: 16, withPad: "0", startingAt: 0), radix: 16) ?? 0
    }
}

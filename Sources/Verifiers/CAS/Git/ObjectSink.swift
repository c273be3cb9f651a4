/// What parsing one object tells the verifier: its references (edges), fsck messages, whether git could
/// parse it at all, and the `.gitmodules`/`.gitattributes` blobs its entries name. One per worker, reset
/// for each object, so that parsing a million objects allocates almost nothing.
final class ObjectSink {
    let width: Int
    let levels: FsckLevels
    /// References found, as (id bytes, expected type) pairs: ids flat in `edgeIDs`.
    private(set) var edgeIDs: [UInt8] = []
    private(set) var edgeTypes: [GitType] = []
    private(set) var messages: [FsckMessage] = []
    /// Set when git's `parse_object_buffer` would fail: git then treats the object as absent.
    private(set) var unparseable: FsckMessage?
    /// Blobs named `.gitmodules` / `.gitattributes` (in any spelling git guards against), to check later.
    var gitmodules: [UInt8] = []
    var gitattributes: [UInt8] = []
    private var scratch: [UInt8]

    init(width: Int, levels: FsckLevels) {
        self.width = width
        self.levels = levels
        scratch = [UInt8](repeating: 0, count: width)
        edgeIDs.reserveCapacity(64 * width)
    }

    func reset() {
        edgeIDs.removeAll(keepingCapacity: true)
        edgeTypes.removeAll(keepingCapacity: true)
        if !messages.isEmpty { messages.removeAll() }
        unparseable = nil
    }

    var edgeCount: Int { edgeTypes.count }

    @inline(__always)
    func edge(_ id: UnsafeRawPointer, _ type: GitType) {
        edgeIDs.append(contentsOf: UnsafeRawBufferPointer(start: id, count: width))
        edgeTypes.append(type)
    }

    /// Records a reference written as hex at `text` (commit and tag headers); false if it is not hex.
    @discardableResult
    func edgeHex(_ text: UnsafeRawBufferPointer, _ type: GitType) -> Bool {
        guard let id = GitHex.decode(text, width: width) else { return false }
        id.withUnsafeBytes { edge($0.baseAddress!, type) }
        return true
    }

    /// git's `report()`: records the message unless its level is `ignore`; true when it is an error, so
    /// that the parser stops where git's fsck stops.
    @discardableResult
    func report(_ id: FsckID, _ text: String) -> Bool {
        guard let severity = levels.severity(id) else { return false }
        messages.append(FsckMessage(id: id, text: text))
        return severity == .error
    }

    func fail(_ id: FsckID, _ text: String) {
        unparseable = FsckMessage(id: id, text: text)
        edgeIDs.removeAll(keepingCapacity: true)
        edgeTypes.removeAll(keepingCapacity: true)
    }

    func edgeID(_ i: Int) -> ArraySlice<UInt8> { edgeIDs[(i * width)..<((i + 1) * width)] }
}

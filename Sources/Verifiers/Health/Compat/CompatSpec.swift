import GateCore
import GateOpenAPI

/// `compat-lock:` the version and ABI/format fields a release recorded. A field that changed while the
/// major version did not is a break. `compat-fields` names the fields (JSON paths); by default every
/// top-level number whose key ends in `_version` (other than `version` itself). `record: true` writes the
/// lock from this run instead of comparing.
struct CompatSpec: Sendable {
    var lockPath: String
    var display: String
    var fields: [JSONPath]?
    var versionPath: JSONPath
    var record: Bool
    var location: SourceLocation

    init?(_ b: Block, root: String, hasProbe: Bool) throws(ConfigError) {
        guard let lock = try b.string("compat-lock") else {
            if let k = ["compat-fields", "record"].first(where: b.has) {
                throw b.error(k, "'\(k)' belongs to 'compat-lock'; give the lock file too")
            }
            return nil
        }
        guard hasProbe else {
            throw b.error("compat-lock", "the lock compares the output of the check's target; give 'run' (or 'url') beside it")
        }
        lockPath = PathUtil.resolve(lock, against: root)
        display = lock
        location = b.at("compat-lock")
        record = try b.bool("record") ?? false
        versionPath = JSONPath(key: "version")
        if let list = try b.stringList("compat-fields") {
            var paths: [JSONPath] = []
            for text in list {
                do { paths.append(try JSONPath(text)) } catch { throw b.error("compat-fields", error.description) }
            }
            fields = paths
        } else {
            fields = nil
        }
    }
}

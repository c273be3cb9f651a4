/// How a record becomes the bytes its hash covers (`canonical:`).
enum CanonicalForm: String, CaseIterable, Sendable {
    /// RFC 8785, the JSON Canonicalization Scheme: keys sorted by UTF-16 code units, no whitespace,
    /// strings with minimal escapes, numbers as ECMAScript prints them.
    case jcs
    /// Keys sorted by code point at every level, no whitespace, strings and numbers exactly as written:
    /// what `json.dumps(sort_keys=True, separators=(",", ":"))` or Go's map encoding give when the line
    /// was written by the same encoder.
    case sorted
    /// Keys in the order written, no whitespace, strings and numbers as written.
    case compact
    /// The line exactly as written (without its newline), with the hash members cut out together with
    /// one adjoining comma: for logs that hash the text they append.
    case bytes

    /// How findings and `gate explain` name the form.
    var title: String {
        switch self {
        case .jcs: "jcs (RFC 8785)"
        case .sorted: "sorted (sorted keys, values as written)"
        case .compact: "compact (written key order, no whitespace)"
        case .bytes: "bytes (the line as written)"
        }
    }
}

/// What the hashed form holds in place of the hash members themselves (`hash-fields-as:`): most writers
/// leave them out; some set them to null first (`Receipt#{hash => null}` before encoding); Erlang services
/// set them to `undefined`, which jiffy writes as the string "undefined" (c_src/encoder.c, enc_atom: atoms
/// other than null, true and false are strings), as in `jiffy:encode(Receipt#{hash => undefined})`.
enum HashFieldsMode: String, CaseIterable, Sendable {
    case omit
    case null
    case undefined

    private static let nullJSON = Array("null".utf8), undefinedJSON = Array("\"undefined\"".utf8)

    /// The JSON written in place of a hash member's value (nothing for `omit`).
    var placeholder: [UInt8] {
        switch self {
        case .omit: []
        case .null: Self.nullJSON
        case .undefined: Self.undefinedJSON
        }
    }

    /// How findings say it: "left out", "set to null", "set to \"undefined\"".
    var wording: String {
        switch self {
        case .omit: "left out"
        case .null: "set to null"
        case .undefined: "set to \"undefined\" (an Erlang atom through jiffy)"
        }
    }
}

/// A number RFC 8785 cannot write back as it was written: more digits than a double keeps, or a value
/// that rounds to zero. The record still canonicalises (that is what every RFC 8785 implementation hashes),
/// but a writer that kept the digits would have hashed different bytes.
struct PrecisionLoss: Equatable, Sendable {
    /// The member whose value lost precision (the innermost key; `[3]` for an array element).
    var key: String
    var written: String
    var canonical: String
}

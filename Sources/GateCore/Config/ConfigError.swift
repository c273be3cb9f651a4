/// Every way a suite, a parameter or a command-line value can be wrong. Each case carries where the
/// problem is; `message` says what is wrong and how to fix it. These always exit with code 2.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The YAML itself does not parse.
    case malformedYAML(SourceLocation, problem: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A key is not allowed here.
    case unknownKey(SourceLocation, key: String, context: String, valid: [String])
    /// A required key is missing.
    case missingKey(SourceLocation, key: String, context: String)
    /// A value has the wrong shape or type.
    case invalidValue(SourceLocation, key: String, expected: String, got: String)
    /// `uses:` names no registered verifier.
    case unknownVerifier(SourceLocation, id: String, known: [String])
    /// Two checks share an id.
    case duplicateID(SourceLocation, id: String, first: SourceLocation)
    /// `needs:` names a check that does not exist.
    case unknownNeed(SourceLocation, check: String, need: String, known: [String])
    /// `needs:` forms a cycle.
    case cyclicNeeds(SourceLocation, cycle: [String])
    /// `include:` forms a cycle.
    case includeCycle(SourceLocation, path: String)
    /// A verifier rejected a parameter value for its own reasons.
    case invalidParameter(SourceLocation, key: String, message: String)
    /// The document expands to more nodes than gate accepts (an alias bomb, or a generated monster).
    case tooLarge(SourceLocation, limit: Int)
    /// Aliases repeat more values than gate accepts (an alias bomb).
    case aliasBomb(SourceLocation, limit: Int)
    /// A problem that is not tied to a file position (command-line flags, report paths).
    case usage(String)
    /// Several problems found in one pass (every check of a suite is read before giving up), in file order.
    case several([ConfigError])

    public var location: SourceLocation? {
        switch self {
        case .malformedYAML(let l, _), .unknownKey(let l, _, _, _), .missingKey(let l, _, _),
            .invalidValue(let l, _, _, _), .unknownVerifier(let l, _, _), .duplicateID(let l, _, _),
            .unknownNeed(let l, _, _, _), .cyclicNeeds(let l, _), .includeCycle(let l, _),
            .invalidParameter(let l, _, _), .tooLarge(let l, _), .aliasBomb(let l, _):
            l
        case .unreadable, .usage: nil
        case .several(let all): all.first?.location
        }
    }

    /// The message without its location prefix.
    public var message: String {
        switch self {
        case .malformedYAML(_, let problem):
            return "malformed YAML: \(problem)"
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason)"
        case .unknownKey(_, let key, let context, let valid):
            var m = "unknown key '\(key)' in \(context)"
            if let s = DidYouMean.suggest(key, among: valid) { m += "; did you mean '\(s)'?" } else { m += "." }
            m += " Valid keys: \(valid.sorted().joined(separator: ", "))."
            return m
        case .missingKey(_, let key, let context):
            return "missing required key '\(key)' in \(context)"
        case .invalidValue(_, let key, let expected, let got):
            return "'\(key)' must be \(expected), got \(got)"
        case .unknownVerifier(_, let id, let known):
            var m = "unknown verifier '\(id)'"
            if let s = DidYouMean.suggest(id, among: known) { m += "; did you mean '\(s)'?" }
            m += " Run 'gate list' to see them (\(known.sorted().joined(separator: ", ")))."
            return m
        case .duplicateID(_, let id, let first):
            return "duplicate check id '\(id)' (first defined at \(first)); ids must be unique"
        case .unknownNeed(_, let check, let need, let known):
            var m = "check '\(check)' needs '\(need)', which is not defined"
            if let s = DidYouMean.suggest(need, among: known) { m += "; did you mean '\(s)'?" }
            return m
        case .cyclicNeeds(_, let cycle):
            return "'needs' forms a cycle: \(cycle.joined(separator: " -> ")); remove one of these edges"
        case .includeCycle(_, let path):
            return "'include' of '\(path)' forms a cycle"
        case .invalidParameter(_, let key, let message):
            return "'\(key)': \(message)"
        case .tooLarge(_, let limit):
            return "more than \(limit) values (a suite and its includes count together), the most gate loads from "
                + "YAML; split the checks into several suites"
        case .aliasBomb(_, let limit):
            return "aliases expand to more than \(limit) values (an alias bomb?); repeat fewer or smaller anchors"
        case .usage(let m):
            return m
        case .several(let all):
            return all.map(\.message).joined(separator: "\n")
        }
    }

    /// `file:line:col: error: message`, the format editors and CI log viewers understand.
    public var description: String {
        if case .several(let all) = self {
            return all.map(\.description).joined(separator: "\n") + "\n\(all.count) errors"
        }
        if let l = location { return "\(l): error: \(message)" }
        return "error: \(message)"
    }
}

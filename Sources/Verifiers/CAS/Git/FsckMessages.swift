import GateCore

/// git's fsck message ids (`fsck.h`, FOREACH_FSCK_MSG_ID) for the object checks gate makes, with git's
/// default level. The raw value is the camelCase id git prints (`error in tree X: duplicateEntries: ...`)
/// and accepts in `fsck.<id>` configuration.
enum FsckID: String, CaseIterable, Sendable {
    // fatal
    case nulInHeader, unterminatedHeader
    // errors
    case badDate, badDateOverflow, badEmail, badGpgsig, badHeaderContinuation, badName, badObjectSha1, badParentSha1
    case badTimezone, badTree, badTreeSha1, badType, duplicateEntries
    case gitattributesBlob, gitattributesLarge, gitattributesLineLength, gitattributesMissing
    case gitmodulesBlob, gitmodulesLarge, gitmodulesMissing, gitmodulesName, gitmodulesPath, gitmodulesSymlink
    case gitmodulesUpdate, gitmodulesUrl
    case missingAuthor, missingCommitter, missingEmail, missingNameBeforeEmail, missingObject, missingSpaceBeforeDate
    case missingSpaceBeforeEmail, missingTag, missingTagEntry, missingTree, missingType, missingTypeEntry
    case multipleAuthors, treeNotSorted, unknownType, zeroPaddedDate
    // warnings
    case emptyName, fullPathname, hasDot, hasDotdot, hasDotgit, largePathname, nullSha1, nulInCommit, zeroPaddedFilemode
    // infos
    case badFilemode, badTagName, gitattributesSymlink, gitignoreSymlink, gitmodulesParse, mailmapSymlink
    case missingTaggerEntry
    // ignored unless configured
    case extraHeaderEntry

    var defaultLevel: FsckLevel {
        switch self {
        case .nulInHeader, .unterminatedHeader: .fatal
        case .emptyName, .fullPathname, .hasDot, .hasDotdot, .hasDotgit, .largePathname, .nullSha1, .nulInCommit,
             .zeroPaddedFilemode: .warn
        case .badFilemode, .badTagName, .gitattributesSymlink, .gitignoreSymlink, .gitmodulesParse, .mailmapSymlink,
             .missingTaggerEntry: .info
        case .extraHeaderEntry: .ignore
        default: .error
        }
    }

    /// The id lowercased, as git's configuration parser compares it (`fsck.zeroPaddedFilemode` = `fsck.zeropaddedfilemode`).
    static let byLowercase: [String: FsckID] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue.lowercased(), $0) })
}

/// A message's level, as in git's `enum fsck_msg_type`.
enum FsckLevel: Int, Sendable, Comparable {
    case ignore, info, warn, error, fatal

    static func < (a: FsckLevel, b: FsckLevel) -> Bool { a.rawValue < b.rawValue }

    init?(config value: String) {
        switch value.lowercased() {
        case "error": self = .error
        case "warn": self = .warn
        case "ignore": self = .ignore
        default: return nil
        }
    }
}

/// The level of every message id for one run: git's defaults, `--strict` (warnings become errors, as
/// `fsck_msg_type` does), then the repository's `fsck.<id>` settings, which git applies after strict.
struct FsckLevels: Sendable {
    private var levels: [FsckID: FsckLevel]

    init(strict: Bool, overrides: [FsckID: FsckLevel] = [:]) {
        var l: [FsckID: FsckLevel] = [:]
        for id in FsckID.allCases {
            let d = id.defaultLevel
            l[id] = strict && d == .warn ? .error : d
        }
        for (id, level) in overrides {
            // git refuses to demote a fatal message ("Cannot demote ... to ..."); gate keeps it fatal.
            if l[id] == .fatal && level != .error { continue }
            l[id] = level
        }
        levels = l
    }

    func level(_ id: FsckID) -> FsckLevel { levels[id] ?? id.defaultLevel }

    /// Errors (and fatal messages) fail the check; warnings and infos are reported as warnings, as git prints
    /// them ("warning in tree X: ...") without failing; ignored ones are not reported.
    func severity(_ id: FsckID) -> Severity? {
        switch level(id) {
        case .ignore: nil
        case .info, .warn: .warning
        case .error, .fatal: .error
        }
    }
}

/// One fsck message about one object.
struct FsckMessage: Sendable, Hashable {
    var id: FsckID
    var text: String
}

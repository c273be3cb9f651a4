/// One import statement as an extractor found it, before it is resolved to a module.
///
/// `target` is in the language's own terms: a dotted Python name (relative ones keep their leading dots),
/// a Swift module, a JavaScript specifier, a Go import path, a Rust path joined by `::`, a Java or Kotlin
/// qualified name, or the text between the quotes of a C include.
struct RawImport: Sendable, Hashable {
    var target: String
    /// 1-based line of the statement's first token.
    var line: Int32
    var flags: Flags

    struct Flags: OptionSet, Sendable, Hashable {
        let rawValue: UInt8
        /// Only needed for type checking: Python `if TYPE_CHECKING:`, TypeScript `import type`.
        static let typeOnly = Flags(rawValue: 1 << 0)
        /// Swift `@testable import`.
        static let testable = Flags(rawValue: 1 << 1)
        /// Swift `@_exported import`: the importer re-exports the module.
        static let exported = Flags(rawValue: 1 << 2)
        /// C `#include <...>`; Java/Kotlin `.*` imports.
        static let angled = Flags(rawValue: 1 << 3)
        static let wildcard = Flags(rawValue: 1 << 4)
        /// A Rust path used in code rather than in a `use` declaration.
        static let inlinePath = Flags(rawValue: 1 << 5)
    }

    init(_ target: String, line: Int32, flags: Flags = []) {
        self.target = target
        self.line = line
        self.flags = flags
    }
}

/// What an extractor read from one file.
struct ScannedFile: Sendable {
    /// Path relative to the check's root, with `/` separators.
    var path: String
    var language: Language
    var imports: [RawImport]
    /// A package declared inside the file: Java/Kotlin `package a.b`, Go `package x`.
    var declaredPackage: String?
    /// The first syntax error of a Python file (see PythonSyntax), nil when it parses.
    var syntaxError: PythonSyntaxIssue?
}

/// Why a file was not read.
enum SkipReason: String, Sendable, CaseIterable {
    case unreadable
    case binary
    case notUTF8 = "not-utf8"
    /// A Python file whose coding declaration names an unknown codec, or whose bytes that codec rejects.
    case undecodable
    case tooLarge = "too-large"
}

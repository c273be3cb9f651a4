/// A language whose imports the boundaries verifier extracts. Each has its own extractor file and its own
/// way of naming modules; `separator` joins the components of a module name.
public enum Language: String, CaseIterable, Sendable, Hashable, Comparable {
    case python
    case swift
    case typescript
    case go
    case rust
    case java
    case c

    /// Joins name components: `service.api`, `example.com/app/db`, `crate_name::db`, `src/api/index.ts`.
    var separator: String {
        switch self {
        case .python, .swift, .java: "."
        case .go, .typescript, .c: "/"
        case .rust: "::"
        }
    }

    /// Names accepted in the `languages` parameter, including aliases.
    static let aliases: [String: Language] = [
        "python": .python, "py": .python,
        "swift": .swift,
        "typescript": .typescript, "ts": .typescript, "javascript": .typescript, "js": .typescript,
        "go": .go, "golang": .go,
        "rust": .rust, "rs": .rust,
        "java": .java, "kotlin": .java, "kt": .java,
        "c": .c, "c++": .c, "cpp": .c, "cxx": .c,
    ]

    /// The language of a file, by extension; nil for files no extractor reads.
    static func of(fileName name: String) -> Language? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...] {
        case "py": return .python
        case "swift": return .swift
        case "ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs": return .typescript
        case "go": return .go
        case "rs": return .rust
        case "java", "kt", "kts": return .java
        case "c", "h", "cc", "cpp", "cxx", "c++", "hh", "hpp", "hxx", "h++", "ipp", "inl", "m", "mm": return .c
        default: return nil
        }
    }

    public static func < (a: Language, b: Language) -> Bool { a.rawValue < b.rawValue }
}

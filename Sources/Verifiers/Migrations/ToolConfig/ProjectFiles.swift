import Foundation
import GateCore

/// The project files beside the migrations that say which tool they belong to and how it is set up:
/// `flyway.conf`/`flyway.toml`, `atlas.hcl`, `sqlx.toml`, `Cargo.toml`, `schema.prisma` (and
/// `prisma.config.ts`), `go.mod`. Looked for in the check's root (and where each tool looks by default:
/// `conf/` for Flyway, `prisma/` for Prisma), or the one file `tool-config` names.
struct ProjectFiles: Sendable {
    enum Kind: String, CaseIterable, Sendable {
        case flywayConf = "flyway.conf", flywayToml = "flyway.toml", atlasHCL = "atlas.hcl", sqlxToml = "sqlx.toml"
        case cargoToml = "Cargo.toml", schemaPrisma = "schema.prisma", prismaConfig = "prisma.config.ts", goMod = "go.mod"

        /// Where each is looked for, relative to the root.
        var candidates: [String] {
            switch self {
            case .flywayConf: ["flyway.conf", "conf/flyway.conf"]
            case .flywayToml: ["flyway.toml", "conf/flyway.toml"]
            case .schemaPrisma: ["prisma/schema.prisma", "schema.prisma"]
            default: [rawValue]
            }
        }
    }

    let root: String
    /// Each kind found: its path relative to the root, and its text.
    private(set) var found: [Kind: (path: String, text: String)] = [:]

    init(root: String) { self.root = root }

    /// The files present under `root`; with `explicit`, only that file (its kind from its name).
    static func discover(root: String, explicit: String?) throws(VerifierError) -> ProjectFiles {
        var files = ProjectFiles(root: root)
        if let explicit {
            let name = PathUtil.basename(explicit)
            guard let kind = Kind.allCases.first(where: { name == $0.rawValue || (name.hasSuffix(".prisma") && $0 == .schemaPrisma)
                || (name.hasSuffix(".hcl") && $0 == .atlasHCL) || (name.hasSuffix(".conf") && $0 == .flywayConf)
                || (name.hasSuffix(".toml") && name.hasPrefix("flyway") && $0 == .flywayToml) }) else {
                throw VerifierError("'tool-config' names '\(PathUtil.relative(explicit, to: root))', which gate does not know how to "
                    + "read; give one of " + Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
            }
            guard let text = Self.read(explicit) else {
                throw VerifierError("cannot read the tool configuration '\(PathUtil.relative(explicit, to: root))' ('tool-config')")
            }
            files.found[kind] = (PathUtil.relative(explicit, to: root), text)
            return files
        }
        for kind in Kind.allCases {
            for candidate in kind.candidates {
                if let text = read(root + "/" + candidate) {
                    files.found[kind] = (candidate, text)
                    break
                }
            }
        }
        return files
    }

    /// A regular file of at most 1 MiB as text; nil otherwise.
    static func read(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size <= 1 << 20,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    subscript(_ kind: Kind) -> (path: String, text: String)? { found[kind] }

    /// Which tools the files point to, each with what the conclusion rests on.
    var evidence: [(FormatName, String)] {
        var out: [(FormatName, String)] = []
        if let f = found[.flywayConf] ?? found[.flywayToml] { out.append((.flyway, f.path)) }
        if let f = found[.atlasHCL] { out.append((.atlas, f.path)) }
        if let f = found[.schemaPrisma] ?? found[.prismaConfig] { out.append((.prisma, f.path)) }
        if let f = found[.sqlxToml] {
            out.append((.sqlx, f.path))
        } else if let f = found[.cargoToml], Self.cargoDependsOnSqlx(f.text) {
            out.append((.sqlx, "\(f.path), which depends on sqlx"))
        }
        if let f = found[.goMod], f.text.contains("github.com/golang-migrate/migrate") {
            out.append((.golangMigrate, "\(f.path), which requires golang-migrate"))
        }
        return out
    }

    /// `sqlx` under `[dependencies]`, `[dev-dependencies]`, `[workspace.dependencies]` or a target's
    /// dependencies, as a key or as its own `[dependencies.sqlx]` table.
    static func cargoDependsOnSqlx(_ text: String) -> Bool {
        ConfigText.toml(text).keys.contains { key in
            let parts = key.split(separator: ".").map(String.init)
            guard let i = parts.firstIndex(where: { $0.hasSuffix("dependencies") }), i + 1 < parts.count else { return false }
            return parts[i + 1] == "sqlx"
        }
    }
}

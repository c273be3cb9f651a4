/// Documentation files, where most secret-looking values are examples written for the reader: Markdown,
/// reStructuredText, AsciiDoc and the like anywhere, plain text under a `doc/` or `docs/` directory (Sphinx
/// and man sources), and README/CHANGELOG files without an extension.
enum DocumentationFiles {
    static let extensions: Set<String> = ["md", "markdown", "mdown", "mkd", "mdx", "rst", "rest", "adoc", "asciidoc",
                                          "rdoc", "pod", "textile", "texi", "texinfo"]
    static let directories: Set<String> = ["doc", "docs", "documentation", "man"]
    static let names: Set<String> = ["readme", "changelog", "changes", "history", "news", "faq"]

    static func contains(_ path: String) -> Bool {
        let parts = path.lowercased().split(separator: "/")
        guard let name = parts.last else { return false }
        let ext = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]) }
        if let ext, extensions.contains(ext) { return true }
        if ext == nil, names.contains(String(name)) { return true }
        if ext == "txt", parts.dropLast().contains(where: { directories.contains(String($0)) }) { return true }
        return false
    }
}

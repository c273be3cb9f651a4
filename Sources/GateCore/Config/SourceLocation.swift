/// A position in a configuration source: a suite file, an included file, or a `--set` argument.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible, Codable {
    /// The file as the user named it (relative paths stay relative), or `--set` for command-line values.
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

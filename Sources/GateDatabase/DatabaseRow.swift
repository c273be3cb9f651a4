/// One result row: values in select order, with the column names shared by every row of the result.
public struct DatabaseRow: Sendable {
    /// Column names as the engine reports them (PostgreSQL folds unquoted names to lower case).
    public let columns: ColumnNames
    public let values: [SQLValue]

    public init(columns: ColumnNames, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public var count: Int { values.count }

    public subscript(_ index: Int) -> SQLValue { index < values.count ? values[index] : .null }

    /// The value of the first column with this name (compared without regard to case); NULL when absent.
    public subscript(_ name: String) -> SQLValue {
        columns.index(of: name).map { values[$0] } ?? .null
    }
}

/// The column names of one result, built once per query and shared by its rows.
public final class ColumnNames: Sendable {
    public let names: [String]
    private let lookup: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var lookup: [String: Int] = [:]
        for (i, n) in names.enumerated().reversed() { lookup[n.lowercased()] = i }
        self.lookup = lookup
    }

    public func index(of name: String) -> Int? { lookup[name.lowercased()] }
}

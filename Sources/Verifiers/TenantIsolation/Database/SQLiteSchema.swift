import GateDatabase

/// Tables, keys and unique indexes of a SQLite database, from its PRAGMA table-valued functions.
enum SQLiteSchema {
    static func tables(_ c: any DatabaseConnection) throws(DatabaseFailure) -> [TableSchema] {
        // table_list separates ordinary tables from views, virtual tables and their shadow tables.
        let names = try c.rows("""
            SELECT name FROM pragma_table_list
            WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY name
            """).compactMap { $0[0].text }
        var out: [TableSchema] = []
        for name in names { out.append(try describe(name, c)) }
        return out
    }

    private static func describe(_ table: String, _ c: any DatabaseConnection) throws(DatabaseFailure) -> TableSchema {
        let cols = try c.rows("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", [.text(table)])
        let columns = cols.compactMap { $0[0].text }
        let primaryKey = cols.filter { ($0[1].int ?? 0) > 0 }.sorted { ($0[1].int ?? 0) < ($1[1].int ?? 0) }.compactMap { $0[0].text }

        var foreignKeys: [ForeignKey] = []
        let fkRows = try c.rows("""
            SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY id, seq
            """, [.text(table)])
        // SQLite numbers foreign keys from the last declared; descending ids give declaration order.
        for (_, group) in Dictionary(grouping: fkRows, by: { $0[0].int ?? 0 }).sorted(by: { $0.key > $1.key }) {
            let parent = group[0][1].text ?? ""
            var targets = group.map { $0[3].text }
            if targets.contains(where: { $0 == nil }) {
                // REFERENCES parent without columns means the parent's primary key.
                let pk = try c.rows("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [.text(parent)]).compactMap { $0[0].text }
                targets = pk.count == group.count ? pk : targets
            }
            guard targets.allSatisfy({ $0 != nil }) else { continue }
            foreignKeys.append(ForeignKey(table: table, columns: group.map { $0[2].text ?? "" }, parentTable: parent,
                                          parentColumns: targets.map { $0! }))
        }

        var unique: [UniqueIndex] = []
        let indexes = try c.rows("SELECT name, origin, partial FROM pragma_index_list(?) WHERE \"unique\" = 1 ORDER BY name", [.text(table)])
        for index in indexes where index[1].text != "pk" {
            let name = index[0].text ?? ""
            let cols = try c.rows("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [.text(name)]).map { $0[0].text ?? "<expression>" }
            unique.append(UniqueIndex(name: name, columns: cols, partial: (index[2].int ?? 0) != 0))
        }
        return TableSchema(name: table, columns: columns, primaryKey: primaryKey, foreignKeys: foreignKeys, uniqueIndexes: unique)
    }
}

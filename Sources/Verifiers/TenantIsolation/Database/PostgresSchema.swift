import GateDatabase

/// Tables, keys and unique indexes of a PostgreSQL database, from pg_catalog: the ordinary and partitioned
/// tables visible along `search_path` (not partitions, not the system schemas), in four queries whatever
/// the number of tables. Names are relation names, which resolve along the same `search_path`.
enum PostgresSchema {
    /// The tables the audit sees, as a CTE the other queries share.
    static let visible = """
        WITH visible AS (
          SELECT c.oid, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND pg_catalog.pg_table_is_visible(c.oid)
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%')
        """

    /// Column names of key arrays, joined by U+001F (no identifier holds it).
    static func names(_ keys: String, of relation: String, limit: String = "") -> String {
        "(SELECT string_agg(a.attname, chr(31) ORDER BY k.ord) FROM unnest(\(keys)) WITH ORDINALITY AS k(n, ord) "
            + "JOIN pg_catalog.pg_attribute a ON a.attrelid = \(relation) AND a.attnum = k.n\(limit))"
    }

    static func tables(_ c: any DatabaseConnection) throws(DatabaseFailure) -> [TableSchema] {
        var tables: [Int64: TableSchema] = [:]
        try c.query(visible + " SELECT oid, relname FROM visible ORDER BY relname", []) { row in
            if let oid = row[0].int, let name = row[1].text {
                tables[oid] = TableSchema(name: name, columns: [], primaryKey: [], foreignKeys: [], uniqueIndexes: [])
            }
            return true
        }
        try c.query(visible + """
             SELECT a.attrelid, a.attname FROM pg_catalog.pg_attribute a JOIN visible v ON v.oid = a.attrelid
            WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum
            """, []) { row in
            if let oid = row[0].int, let name = row[1].text { tables[oid]?.columns.append(name) }
            return true
        }
        try c.query(visible + """
             SELECT con.conrelid, con.contype, \(names("con.conkey", of: "con.conrelid")), p.relname,
              \(names("con.confkey", of: "con.confrelid"))
            FROM pg_catalog.pg_constraint con JOIN visible v ON v.oid = con.conrelid LEFT JOIN pg_catalog.pg_class p ON p.oid = con.confrelid
            WHERE con.contype IN ('p', 'f') ORDER BY con.conrelid, con.conname
            """, []) { row in
            guard let oid = row[0].int, let columns = row[2].text?.split(separator: "\u{1F}").map(String.init) else { return true }
            if row[1].text == "p" {
                tables[oid]?.primaryKey = columns
            } else if let table = tables[oid]?.name, let parent = row[3].text,
                      let parentColumns = row[4].text?.split(separator: "\u{1F}").map(String.init) {
                tables[oid]?.foreignKeys.append(ForeignKey(table: table, columns: columns, parentTable: parent, parentColumns: parentColumns))
            }
            return true
        }
        try c.query(visible + """
             SELECT i.indrelid, x.relname, i.indpred IS NOT NULL,
              (SELECT string_agg(COALESCE(a.attname, '<expression>'), chr(31) ORDER BY k.ord)
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(n, ord)
               LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n AND k.n <> 0
               WHERE k.ord <= i.indnkeyatts)
            FROM pg_catalog.pg_index i JOIN visible v ON v.oid = i.indrelid JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid
            WHERE i.indisunique AND NOT i.indisprimary ORDER BY x.relname
            """, []) { row in
            if let oid = row[0].int, let name = row[1].text {
                let columns = (row[3].text ?? "").split(separator: "\u{1F}").map(String.init)
                tables[oid]?.uniqueIndexes.append(UniqueIndex(name: name, columns: columns, partial: row[2].bool ?? false))
            }
            return true
        }
        return tables.values.sorted { $0.name < $1.name }
    }
}

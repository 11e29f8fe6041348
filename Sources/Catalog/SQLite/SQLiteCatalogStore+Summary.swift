import Foundation
import GRDB

extension SQLiteCatalogStore {
    /// The `limit` most frequent values of each attribute key (all keys when `keys` is nil), keys in the caller's order.
    public func facets(keys: [String]?, limit: Int) async throws -> [Facet] {
        try await read("counting attribute values") { db in
            var sql = "SELECT key, value, COUNT(*) AS n FROM product_attributes"
            var arguments = StatementArguments()
            if let keys {
                if keys.isEmpty { return [] }
                sql += " WHERE key IN (\(databaseQuestionMarks(count: keys.count)))"
                arguments = StatementArguments(keys)
            }
            sql += " GROUP BY key, value ORDER BY key, n DESC, value"
            var facets: [Facet] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let key: String = row[0]
                if facets.last?.key != key {
                    facets.append(Facet(key: key, values: [], distinctValues: 0))
                }
                facets[facets.count - 1].distinctValues += 1
                if facets[facets.count - 1].values.count < limit {
                    facets[facets.count - 1].values.append(FacetValue(value: row[1], count: row[2]))
                }
            }
            if let keys {
                // Keep the caller's order.
                let order = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                facets.sort { (order[$0.key] ?? 0) < (order[$1.key] ?? 0) }
            }
            return facets
        }
    }

    /// Product and vector counts, file size and the last import run.
    public func stats() async throws -> CatalogStats {
        let path = self.path
        return try await read("reading catalog statistics") { db in
            let products = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM products") ?? 0
            var vectors: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT model_key, COUNT(*) FROM vectors GROUP BY model_key") {
                vectors[row[0]] = row[1]
            }
            var bytes: Int64 = 0
            for file in [path, path + "-wal"] {
                if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber {
                    bytes += size.int64Value
                }
            }
            return CatalogStats(products: products, vectorsByModelKey: vectors, databaseBytes: bytes,
                                lastImportRun: try Self.fetchRuns(db, limit: 1).first)
        }
    }

    /// A stored setting, or nil.
    public func setting(_ key: String) async throws -> Data? {
        try await read("reading setting \(key)") { db in
            try Data.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key])
        }
    }

    /// Stores a setting, or deletes it when `value` is nil.
    public func setSetting(_ key: String, _ value: Data?) async throws {
        try await write("storing setting \(key)") { db in
            if let value {
                try db.execute(sql: """
                    INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """, arguments: [key, value, Date()])
            } else {
                try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key])
            }
        }
    }
}

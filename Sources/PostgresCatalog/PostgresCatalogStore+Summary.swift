import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// The `limit` most frequent values of each attribute key (all keys when `keys` is nil), keys in the caller's order.
    public func facets(keys: [String]?, limit: Int) async throws -> [Facet] {
        let rows: [PostgresRow]
        if let keys {
            if keys.isEmpty { return [] }
            rows = try await read("counting attribute values", """
                SELECT key, value, count(*) AS n FROM product_attributes WHERE key = ANY(\(keys)::text[])
                GROUP BY key, value ORDER BY key COLLATE "C", n DESC, value COLLATE "C"
                """)
        } else {
            rows = try await read("counting attribute values", """
                SELECT key, value, count(*) AS n FROM product_attributes
                GROUP BY key, value ORDER BY key COLLATE "C", n DESC, value COLLATE "C"
                """)
        }
        var facets: [Facet] = []
        for row in rows {
            let (key, value, count) = try row.decode((String, String, Int).self)
            if facets.last?.key != key {
                facets.append(Facet(key: key, values: [], distinctValues: 0))
            }
            facets[facets.count - 1].distinctValues += 1
            if facets[facets.count - 1].values.count < limit {
                facets[facets.count - 1].values.append(FacetValue(value: value, count: count))
            }
        }
        if let keys {
            let order = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            facets.sort { (order[$0.key] ?? 0) < (order[$1.key] ?? 0) }
        }
        return facets
    }

    /// Product and vector counts, the database's size and the last import run.
    public func stats() async throws -> CatalogStats {
        let products = try await count()
        var vectors: [String: Int] = [:]
        for row in try await read("counting vectors", """
            SELECT m.model_key, count(*) FROM vectors v JOIN models m ON m.id = v.model_id WHERE v.position = 0 GROUP BY m.model_key
            """) {
            let (key, count) = try row.decode((String, Int).self)
            vectors[key] = count
        }
        let bytes = try await read("measuring the database", "SELECT pg_database_size(current_database())")
            .first?.decode(Int64.self) ?? 0
        return CatalogStats(products: products, vectorsByModelKey: vectors, databaseBytes: bytes,
                            lastImportRun: try await lastImportRuns(limit: 1).first)
    }

    /// A stored setting, or nil.
    public func setting(_ key: String) async throws -> Data? {
        try await read("reading setting \(key)", "SELECT value FROM settings WHERE key = \(key)").first?.decode(Data.self)
    }

    /// Stores a setting, or deletes it when `value` is nil.
    public func setSetting(_ key: String, _ value: Data?) async throws {
        if let value {
            try await query("storing setting \(key)", """
                INSERT INTO settings (key, value, updated_at) VALUES (\(key), \(value), now())
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """)
        } else {
            try await query("storing setting \(key)", "DELETE FROM settings WHERE key = \(key)")
        }
    }
}

extension PostgresCatalogStore: CatalogCopying {
    /// The keys of every stored setting, sorted.
    public func settingKeys() async throws -> [String] {
        try await read("listing settings", #"SELECT key FROM settings ORDER BY key COLLATE "C""#).map { try $0.decode(String.self) }
    }
}

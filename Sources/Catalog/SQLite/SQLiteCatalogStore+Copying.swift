import GRDB

extension SQLiteCatalogStore: CatalogCopying {
    /// The keys of every stored setting, sorted.
    public func settingKeys() async throws -> [String] {
        try await read("listing settings") { db in
            try String.fetchAll(db, sql: "SELECT key FROM settings ORDER BY key")
        }
    }
}

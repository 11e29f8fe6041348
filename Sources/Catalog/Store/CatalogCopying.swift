/// What copying a whole catalog between backends (`lookalike migrate`) needs beyond `CatalogStore`.
public protocol CatalogCopying: CatalogStore {
    /// The keys of every stored setting, sorted.
    func settingKeys() async throws -> [String]
    /// Inserts or updates products and their attributes without touching any vector, in one transaction.
    func upsertProducts(_ products: [Product]) async throws
}

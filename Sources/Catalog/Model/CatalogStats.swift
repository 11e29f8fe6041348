import Foundation

/// A summary of what a catalog store holds, for `lookalike stats`.
public struct CatalogStats: Sendable, Hashable {
    /// Number of products.
    public var products: Int
    /// Number of stored vectors for each model key.
    public var vectorsByModelKey: [String: Int]
    /// Size on disk in bytes (database file plus its write-ahead log), 0 for in-memory stores.
    public var databaseBytes: Int64
    /// The most recent import run, if any.
    public var lastImportRun: ImportRun?

    /// Creates a stats value.
    public init(products: Int, vectorsByModelKey: [String: Int], databaseBytes: Int64, lastImportRun: ImportRun?) {
        self.products = products
        self.vectorsByModelKey = vectorsByModelKey
        self.databaseBytes = databaseBytes
        self.lastImportRun = lastImportRun
    }
}

/// The most frequent values of one attribute key, for filter menus.
public struct Facet: Sendable, Hashable {
    /// The attribute key, e.g. `articleType`.
    public var key: String
    /// The most frequent values, most frequent first (ties by value).
    public var values: [FacetValue]
    /// How many distinct values the key has in all (may exceed `values.count`).
    public var distinctValues: Int

    /// Creates a facet.
    public init(key: String, values: [FacetValue], distinctValues: Int) {
        self.key = key
        self.values = values
        self.distinctValues = distinctValues
    }
}

/// One value of a facet and how many products carry it.
public struct FacetValue: Sendable, Hashable {
    /// The attribute value, e.g. `Tshirts`.
    public var value: String
    /// Number of products with this value.
    public var count: Int

    /// Creates a facet value.
    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}

import Foundation

/// Storage for products, their vectors, import history and settings; SQLite today, PostgreSQL later.
///
/// Every method is safe to call from several tasks at once. Vectors are kept per *model key*
/// (an opaque string such as `"mobilenet@3fa2c1d0"`), so changing the model never mixes
/// vector spaces: a store answers each model key only with the vectors written under it.
public protocol CatalogStore: Sendable {
    /// Writes products with their attributes, additional images and vectors in ONE transaction: all of the
    /// batch or none of it. Re-writing an id replaces its title, attributes, image path, hash, its additional
    /// images and its vectors for `modelKey` (those of its additional images when the item brings them).
    /// Vectors of additional images (of any model key) whose image is gone or changed are deleted.
    func upsert(_ items: [UpsertItem], modelKey: String) async throws

    /// The product with this id, or nil.
    func product(id: String) async throws -> Product?
    /// The products with these ids that exist, in the order of `ids`.
    func products(ids: [String]) async throws -> [Product]
    /// Removes products (and their attributes and vectors); returns how many existed.
    func remove(ids: [String]) async throws -> Int
    /// Every product id, sorted.
    func allProductIDs() async throws -> [String]
    /// Those of `paths` that some product's image path still names.
    func imagePathsInUse(_ paths: [String]) async throws -> Set<String>
    /// Number of products.
    func count() async throws -> Int

    /// id → content hash for the products that have a hash and a vector under `modelKey`.
    func contentHashes(modelKey: String) async throws -> [String: String]
    /// Every vector of `modelKey` with its product id and attributes, rows sorted by id.
    func loadVectors(modelKey: String) async throws -> VectorTable
    /// product id → position → content hash of the additional images that have a vector under `modelKey`.
    func imageContentHashes(modelKey: String) async throws -> [String: [Int: String]]
    /// Every vector of `modelKey` of an additional image, rows sorted by product id then position.
    func loadImageVectors(modelKey: String) async throws -> ImageVectorTable

    /// The `limit` most frequent values of each attribute key (all keys when `keys` is nil).
    func facets(keys: [String]?, limit: Int) async throws -> [Facet]
    /// Counts, sizes and the last import run.
    func stats() async throws -> CatalogStats

    /// Records the start of an import run and returns its id.
    func startImportRun(source: String) async throws -> Int64
    /// Stores failures of a run (each with its own run id).
    func recordFailures(_ failures: [ImportFailure]) async throws
    /// Records how a run ended.
    func finishImportRun(id: Int64, status: ImportStatus, counts: ImportCounts) async throws
    /// The most recent runs, newest first.
    func lastImportRuns(limit: Int) async throws -> [ImportRun]
    /// The failures recorded for a run, in the order they were recorded.
    func failures(runID: Int64) async throws -> [ImportFailure]

    /// A stored setting (e.g. a whitening matrix learned from the catalog), or nil.
    func setting(_ key: String) async throws -> Data?
    /// Stores (or with nil, deletes) a setting.
    func setSetting(_ key: String, _ value: Data?) async throws
}

extension CatalogStore {
    /// Writes products with their primary image's vector (additional images keep the vectors that still fit).
    public func upsert(_ batch: [(product: Product, vector: [Float])], modelKey: String) async throws {
        try await upsert(batch.map { UpsertItem(product: $0.product, vector: $0.vector) }, modelKey: modelKey)
    }
}

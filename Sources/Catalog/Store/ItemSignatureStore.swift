/// A catalog that keeps each product's exact-item signature (`lookalike index --item-signatures`: a small
/// outline of the product image, compared with a photo's garment to verify the exact item) in a table of
/// its own, written in the same transaction as the product and its vector.
public protocol ItemSignatureStore: CatalogStore {
    /// Writes the batch (products, attributes, additional images, vectors of `modelKey` and item signatures)
    /// in one transaction; any invalid item rolls back all of it. Signatures are of the primary image.
    func upsert(_ batch: [(item: UpsertItem, signature: [Float])], modelKey: String) async throws
    /// Stores signatures of products that are already in the catalog (copying a catalog), in one transaction.
    func storeItemSignatures(_ signatures: [StoredItemSignature]) async throws
    /// Every stored signature, sorted by product id.
    func itemSignatures() async throws -> [StoredItemSignature]
    /// Product id → hash of the image each stored signature was made from.
    func itemSignatureHashes() async throws -> [String: String]
}

extension ItemSignatureStore {
    /// Writes products with their primary image's vector and item signature.
    public func upsert(_ batch: [(product: Product, vector: [Float], signature: [Float])], modelKey: String) async throws {
        try await upsert(batch.map { (item: UpsertItem(product: $0.product, vector: $0.vector), signature: $0.signature) },
                         modelKey: modelKey)
    }
}

/// One product's stored item signature.
public struct StoredItemSignature: Sendable, Equatable {
    /// The product.
    public var productID: String
    /// Hash of the image the signature was made from (the product's content hash when it was stored).
    public var contentHash: String?
    /// The signature's values.
    public var values: [Float]

    /// A signature of `productID`.
    public init(productID: String, contentHash: String?, values: [Float]) {
        self.productID = productID
        self.contentHash = contentHash
        self.values = values
    }
}

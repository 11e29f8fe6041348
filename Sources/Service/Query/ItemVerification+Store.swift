import Catalog
import Embedding
import Search

extension ItemVerification {
    /// Verification of `catalog` (the model's vectors) with the catalog's item signatures (`ItemSignatureStore`), or nil
    /// when it has none. A signature made from another image than the product's vector (the image changed and was
    /// re-indexed without `--item-signatures`) is left out.
    public static func load(store: any CatalogStore, catalog: VectorTable) async throws -> ItemVerification? {
        guard let signing = store as? any ItemSignatureStore else { return nil }
        let stored = try await signing.itemSignatures()
        guard let dimension = stored.first?.values.count else { return nil }
        let table = VectorTable(modelKey: "item-signatures", ids: stored.map(\.productID),
                                attributes: [[String: String]](repeating: [:], count: stored.count), dimension: dimension,
                                vectors: stored.flatMap { $0.values.count == dimension ? $0.values : ItemSignature.blank })
        let vectorHashes = try await store.contentHashes(modelKey: catalog.modelKey)
        let signatureHashes = Dictionary(stored.compactMap { signature in signature.contentHash.map { (signature.productID, $0) } },
                                         uniquingKeysWith: { first, _ in first })
        return ItemVerification(catalog: catalog, signatures: table, usable: { vectorHashes[$0] == signatureHashes[$0] })
    }
}

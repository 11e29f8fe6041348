import Catalog
import Embedding
import Search

extension ItemVerification {
    /// Verification of `catalog` (the model's vectors) with the item signatures stored beside them, or nil when the
    /// catalog has none. A signature made from another image than the product's vector (the image changed and was
    /// re-indexed without `--item-signatures`) is left out.
    public static func load(store: any CatalogStore, catalog: VectorTable) async throws -> ItemVerification? {
        let signatures = try await store.loadVectors(modelKey: ItemSignature.storeKey)
        guard signatures.count > 0 else { return nil }
        let vectorHashes = try await store.contentHashes(modelKey: catalog.modelKey)
        let signatureHashes = try await store.contentHashes(modelKey: ItemSignature.storeKey)
        return ItemVerification(catalog: catalog, signatures: signatures, usable: { vectorHashes[$0] == signatureHashes[$0] })
    }
}

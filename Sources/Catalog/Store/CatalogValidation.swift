/// The checks every `CatalogStore` applies before writing, so both backends refuse the same input
/// with the same message.
public enum CatalogValidation {
    /// A product must have an id.
    public static func validate(_ product: Product) throws {
        if product.id.isEmpty {
            throw CatalogStoreError.invalidProduct(id: product.id, reason: "the id is empty")
        }
    }

    /// A vector must be non-empty and every value a finite number that a 16-bit float can hold.
    public static func validate(_ vector: [Float], of id: String) throws {
        if vector.isEmpty {
            throw CatalogStoreError.invalidProduct(id: id, reason: "the vector is empty")
        }
        if let index = vector.firstIndex(where: { !$0.isFinite || abs($0) > Float16Codec.maximum }) {
            throw CatalogStoreError.invalidProduct(
                id: id, reason: "vector value \(vector[index]) at position \(index) is not a finite number within ±65504 "
                    + "(vectors are stored as 16-bit floats)")
        }
    }
}

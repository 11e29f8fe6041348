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

    /// Checks a batch in order — each product, each vector, and that every vector has the length of the
    /// vectors already stored under `modelKey` (`storedDimension`, nil when there are none) and of the
    /// batch's first — and returns the batch's dimension.
    @discardableResult
    public static func validate(_ items: [UpsertItem], modelKey: String, storedDimension: Int?) throws -> Int? {
        var dimension = storedDimension
        for item in items {
            try validate(item.product)
            try validate(item.vector, of: item.product.id)
            if let expected = dimension, expected != item.vector.count {
                throw CatalogStoreError.dimensionMismatch(id: item.product.id, modelKey: modelKey,
                                                          expected: expected, found: item.vector.count)
            }
            dimension = item.vector.count
            try validateImages(of: item, dimension: item.vector.count, modelKey: modelKey)
        }
        return dimension
    }

    /// An item's additional images: positions from 1, each once, and — when the item brings their vectors —
    /// one vector per image, each valid and of the primary vector's length.
    public static func validateImages(of item: UpsertItem, dimension: Int, modelKey: String) throws {
        let id = item.product.id
        let positions = item.product.images.map(\.position)
        if let bad = positions.first(where: { $0 < 1 }) {
            throw CatalogStoreError.invalidProduct(id: id, reason: "image position \(bad) is not 1 or more (0 is the primary image)")
        }
        if Set(positions).count != positions.count {
            throw CatalogStoreError.invalidProduct(id: id, reason: "an image position is listed twice")
        }
        guard let vectors = item.imageVectors else { return }
        if vectors.count != positions.count {
            throw CatalogStoreError.invalidProduct(id: id, reason: "\(positions.count) additional images but \(vectors.count) vectors for them")
        }
        for (photo, vector) in zip(item.product.images, vectors) {
            try validate(vector, of: "\(id) image \(photo.position)")
            if vector.count != dimension {
                throw CatalogStoreError.dimensionMismatch(id: "\(id) image \(photo.position)", modelKey: modelKey,
                                                          expected: dimension, found: vector.count)
            }
        }
    }
}

/// A product and its vectors on the way into a store, in a Sendable wrapper so a batch can cross into
/// the database's queue or connection.
public struct UpsertItem: Sendable {
    /// The product.
    public var product: Product
    /// The vector of its primary image.
    public var vector: [Float]
    /// The vectors of `product.images`, in the same order; they replace the product's stored image vectors
    /// of the model key. nil keeps those whose image (position and content hash) is unchanged.
    public var imageVectors: [[Float]]?

    /// Wraps one batch element.
    public init(product: Product, vector: [Float], imageVectors: [[Float]]? = nil) {
        self.product = product
        self.vector = vector
        self.imageVectors = imageVectors
    }
}

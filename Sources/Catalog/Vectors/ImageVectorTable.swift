/// The vectors of products' additional images under one model key, loaded for building a search index:
/// row i is image `positions[i]` of product `productIDs[i]`.
public struct ImageVectorTable: Sendable {
    /// The model key the vectors were computed with.
    public var modelKey: String
    /// The product of each row.
    public var productIDs: [String]
    /// The image position of each row (1, 2, …: `ProductPhoto.position`).
    public var positions: [Int]
    /// Length of every vector (0 when the table is empty).
    public var dimension: Int
    /// Row-major vectors: row i occupies `vectors[i * dimension ..< (i + 1) * dimension]`.
    public var vectors: [Float]

    /// Creates a table; `vectors.count` must equal `productIDs.count * dimension`.
    public init(modelKey: String, productIDs: [String], positions: [Int], dimension: Int, vectors: [Float]) {
        precondition(productIDs.count == positions.count, "ImageVectorTable: one position per row")
        precondition(vectors.count == productIDs.count * dimension, "ImageVectorTable: vectors must hold rows * dimension floats")
        self.modelKey = modelKey
        self.productIDs = productIDs
        self.positions = positions
        self.dimension = dimension
        self.vectors = vectors
    }

    /// An empty table.
    public static func empty(modelKey: String) -> ImageVectorTable {
        ImageVectorTable(modelKey: modelKey, productIDs: [], positions: [], dimension: 0, vectors: [])
    }

    /// Number of rows.
    public var count: Int { productIDs.count }

    /// A copy of the vector of row `row`.
    public func vector(at row: Int) -> [Float] {
        Array(vectors[row * dimension ..< (row + 1) * dimension])
    }
}

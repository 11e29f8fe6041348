/// All vectors of one model key, loaded for building a search index: row i is `ids[i]`.
public struct VectorTable: Sendable {
    /// The model key the vectors were computed with.
    public var modelKey: String
    /// Product id of each row.
    public var ids: [String]
    /// Attributes of each row (same order as `ids`).
    public var attributes: [[String: String]]
    /// Length of every vector.
    public var dimension: Int
    /// Row-major vectors: row i occupies `vectors[i * dimension ..< (i + 1) * dimension]`.
    public var vectors: [Float]

    /// Creates a table; `vectors.count` must equal `ids.count * dimension`.
    public init(modelKey: String, ids: [String], attributes: [[String: String]], dimension: Int, vectors: [Float]) {
        precondition(ids.count == attributes.count, "VectorTable: one attribute dictionary per id")
        precondition(vectors.count == ids.count * dimension, "VectorTable: vectors must hold ids.count * dimension floats")
        self.modelKey = modelKey
        self.ids = ids
        self.attributes = attributes
        self.dimension = dimension
        self.vectors = vectors
    }

    /// Number of rows.
    public var count: Int { ids.count }

    /// A copy of the vector of row `row`.
    public func vector(at row: Int) -> [Float] {
        Array(vectors[row * dimension ..< (row + 1) * dimension])
    }
}

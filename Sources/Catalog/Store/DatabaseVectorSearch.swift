/// A store that answers nearest-neighbour queries itself (e.g. PostgreSQL with pgvector), so callers
/// search in the database instead of loading every vector into memory.
///
/// Scores follow the in-memory index: cosine similarity (higher is closer) or Euclidean distance
/// (lower is closer). Results are best first.
public protocol DatabaseVectorSearch: Sendable {
    /// The `k` images nearest to `vector` among those stored under `modelKey` (every product's primary and
    /// additional images: a product comes back once per image that made the cut) whose products' attributes
    /// pass `filters` (AND across keys, OR across the values of one key), never of a product in `excluding`.
    func nearest(to vector: [Float], k: Int, filters: [String: [String]], excluding: Set<String>,
                 modelKey: String, distance: VectorDistance) async throws -> [VectorHit]
    /// The stored vector of a product's primary image under `modelKey`, or nil.
    func vector(for id: String, modelKey: String) async throws -> [Float]?
    /// The stored vectors of all of a product's images under `modelKey` (primary first, then by position).
    func vectors(for id: String, modelKey: String) async throws -> [(image: Int, vector: [Float])]
    /// How many vectors are stored under `modelKey`.
    func vectorCount(modelKey: String) async throws -> Int
}

/// How a database search scores vectors.
public enum VectorDistance: String, Sendable, CaseIterable {
    /// Cosine similarity, higher is closer.
    case cosine
    /// Euclidean (L2, not squared) distance, lower is closer.
    case euclidean
}

/// One result of a database vector search: an image of a product.
public struct VectorHit: Sendable, Hashable {
    /// The product's id.
    public var id: String
    /// Cosine similarity or Euclidean distance, per the search's `VectorDistance`.
    public var score: Float
    /// Which of the product's images: 0 the primary one, else `ProductPhoto.position`.
    public var image: Int

    /// Creates a hit.
    public init(id: String, score: Float, image: Int = 0) {
        self.id = id
        self.score = score
        self.image = image
    }
}

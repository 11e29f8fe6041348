import Embedding
import Search

/// The product's one set of query defaults, used by every command, the server and the tests: how
/// vectors are held, compared and indexed, how many results, how photos are cleaned up. The space,
/// query expansion and label consensus depend on the kind of query (`SearchService.space(for:fromProduct:)`).
public enum QueryDefaults {
    /// Results per query.
    public static let k = 5
    /// Vectors in memory: int8 with a scale per vector (the fastest scan; the ranking it gives is checked
    /// against f32 by the search tests).
    public static let storage: VectorStorage = .int8
    /// Cosine similarity.
    public static let metric: VectorMetric = .cosine
    /// Exact search below `VectorIndexKind.autoThreshold` products, HNSW from there.
    public static let index: VectorIndexKind = .auto
    /// Photo cleanup: the garment cut out onto the catalog's background, and the photo as it is.
    public static let cleanup: PhotoCleanup = .standard
    /// Most results that get a heat map (`explain`): each costs a decode and a model pass of its own, so
    /// `explain` with k = 100 would cost a hundred queries. Results beyond these answer without one.
    public static let explainedResults = 10
}

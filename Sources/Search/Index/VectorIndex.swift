/// A searchable set of vectors addressed by row number: exact today, HNSW or pgvector later.
///
/// Rows are stable: `remove(rows:)` leaves holes rather than renumbering, and `add` appends.
public protocol VectorIndex: Sendable {
    /// Number of live (not removed) vectors.
    var count: Int { get }
    /// Number of row numbers handed out so far, removed ones included.
    var rowCount: Int { get }
    /// Length of every vector.
    var dimension: Int { get }
    /// How scores are computed.
    var metric: VectorMetric { get }
    /// Bytes of memory the stored vectors take.
    var memoryBytes: Int { get }

    /// The `k` best rows for one query, best first; rows outside `filter` are skipped during the scan.
    func search(_ query: [Float], k: Int, filter: RowFilter?) -> [SearchHit]
    /// The `k` best rows for each query in `queries` (row-major, `dimension` floats each).
    func search(batch queries: [Float], k: Int, filter: RowFilter?) -> [[SearchHit]]
    /// Appends vectors (row-major, a multiple of `dimension` floats); returns their rows.
    mutating func add(_ vectors: [Float]) -> [Int]
    /// Removes rows; unknown or already removed rows are ignored.
    mutating func remove(rows: [Int])
}

/// One result of a vector search.
public struct SearchHit: Sendable, Hashable {
    /// The row of the match.
    public var row: Int
    /// Cosine: the dot product (higher is better). Euclidean: the L2 distance (lower is better).
    public var score: Float

    /// Creates a hit.
    public init(row: Int, score: Float) {
        self.row = row
        self.score = score
    }
}

/// How an index compares vectors.
public enum VectorMetric: String, Sendable, CaseIterable, Codable {
    /// Dot product of vectors the caller has L2-normalised; results sorted by descending score.
    case cosine
    /// Euclidean (L2, not squared) distance; results sorted by ascending score.
    case euclidean
}

/// How an index holds its vectors in memory.
public enum VectorStorage: String, Sendable, CaseIterable, Codable {
    /// 32-bit floats: exact, 4 bytes per value.
    case float32 = "f32"
    /// IEEE half floats: 2 bytes per value, ~3 significant digits.
    case float16 = "f16"
    /// Signed 8-bit with one scale per vector (symmetric): 1 byte per value.
    case int8

    /// Bytes per stored value.
    public var bytesPerValue: Int {
        switch self {
        case .float32: return 4
        case .float16: return 2
        case .int8: return 1
        }
    }
}

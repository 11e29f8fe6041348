/// The vector index behind a `CatalogIndex`: an exact scan or an HNSW graph, chosen by `VectorIndexKind`.
///
/// Both keep stable row numbers (removals leave tombstones), so the catalog's row ↔ id tables work the
/// same over either. Compaction renumbers rows and exists only for the exact index; the graph repairs
/// its neighbour lists instead and is rebuilt only when its file is out of date (`HNSWCatalogFile`).
public enum CatalogVectors: Sendable {
    /// Brute-force scan over all rows.
    case exact(ExactIndex)
    /// Approximate search over the HNSW graph.
    case hnsw(HNSWIndex)

    /// Which kind this is (never `.auto`).
    public var kind: VectorIndexKind {
        switch self {
        case .exact: return .exact
        case .hnsw: return .hnsw
        }
    }

    /// The index as the common protocol.
    public var base: any VectorIndex {
        switch self {
        case .exact(let index): return index
        case .hnsw(let index): return index
        }
    }

    /// Length of every vector.
    public var dimension: Int { base.dimension }
    /// Row numbers handed out, removed ones included.
    public var rowCount: Int { base.rowCount }
    /// Bytes of memory the index takes.
    public var memoryBytes: Int { base.memoryBytes }

    /// The stored vector of a live row (decoded; approximate for f16/int8).
    public func vector(at row: Int) -> [Float]? {
        switch self {
        case .exact(let index): return index.vector(at: row)
        case .hnsw(let index): return index.vector(at: row)
        }
    }

    /// Share of rows that are tombstones.
    public var tombstoneRatio: Double {
        switch self {
        case .exact(let index): return index.tombstoneRatio
        case .hnsw(let index): return index.tombstoneRatio
        }
    }

    /// The `k` best rows for `query`, best first, rows outside `filter` skipped during the search.
    public func search(_ query: [Float], k: Int, filter: RowFilter?) -> [SearchHit] {
        base.search(query, k: k, filter: filter)
    }

    /// Appends vectors; returns their rows.
    public mutating func add(_ vectors: [Float]) -> [Int] {
        mutate(exact: { $0.add(vectors) }, hnsw: { $0.add(vectors) })
    }

    /// Removes rows (tombstones).
    public mutating func remove(rows: [Int]) {
        mutate(exact: { $0.remove(rows: rows) }, hnsw: { $0.remove(rows: rows) })
    }

    /// Drops tombstones of an exact index and returns old row → new row (-1 for dropped rows);
    /// nil for HNSW, whose rows never move.
    public mutating func compact() -> [Int]? {
        mutate(exact: { $0.compact() }, hnsw: { _ in nil })
    }

    /// Runs the body for this kind on the index while `self` holds an empty placeholder, so the index's
    /// storage stays uniquely referenced and changes in place instead of being copied.
    private mutating func mutate<T>(exact: (inout ExactIndex) -> T, hnsw: (inout HNSWIndex) -> T) -> T {
        switch self {
        case .exact(var index):
            self = .exact(ExactIndex(dimension: 1))
            defer { self = .exact(index) }
            return exact(&index)
        case .hnsw(var index):
            self = .exact(ExactIndex(dimension: 1))
            defer { self = .hnsw(index) }
            return hnsw(&index)
        }
    }
}

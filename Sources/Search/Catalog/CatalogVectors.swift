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
        switch self {
        case .exact(var index):
            self = .exact(ExactIndex(dimension: 1))  // drop the reference so `index` stays unique while it grows
            let rows = index.add(vectors)
            self = .exact(index)
            return rows
        case .hnsw(var index):
            self = .exact(ExactIndex(dimension: 1))
            let rows = index.add(vectors)
            self = .hnsw(index)
            return rows
        }
    }

    /// Removes rows (tombstones).
    public mutating func remove(rows: [Int]) {
        switch self {
        case .exact(var index):
            self = .exact(ExactIndex(dimension: 1))
            index.remove(rows: rows)
            self = .exact(index)
        case .hnsw(var index):
            self = .exact(ExactIndex(dimension: 1))
            index.remove(rows: rows)
            self = .hnsw(index)
        }
    }

    /// Drops tombstones of an exact index and returns old row → new row (-1 for dropped rows);
    /// nil for HNSW, whose rows never move.
    public mutating func compact() -> [Int]? {
        guard case .exact(var index) = self else { return nil }
        self = .exact(ExactIndex(dimension: 1))
        let mapping = index.compact()
        self = .exact(index)
        return mapping
    }
}

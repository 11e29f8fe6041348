/// Tuning of an `HNSWIndex`, named as in faiss's `IndexHNSWFlat` ("HNSW32" ⇒ `m` = 32).
public struct HNSWParameters: Sendable, Hashable, Codable {
    /// Neighbours per node on the upper levels; level 0 keeps `2 · m` (as faiss and hnswlib do).
    public var m: Int
    /// Candidate list length while inserting (faiss `efConstruction`, default 40).
    public var efConstruction: Int
    /// Candidate list length while searching, unless a search asks for another (faiss `efSearch`).
    public var efSearch: Int
    /// Seed of the level draw: a row's level is a function of (seed, row), so builds are repeatable.
    public var seed: UInt64
    /// A filtered search whose filter allows at most this share of the live rows scans those rows exactly
    /// instead of walking the graph (default 0.03, i.e. 3 %).
    ///
    /// Walking the graph costs about `efSearch / share` distance computations before the results fill with
    /// allowed rows, an exact scan costs `share · count`: at 1M rows and efSearch 64 they cross near 2–3 %.
    /// Below it the graph walk also loses recall, as the allowed rows stop being connected to each other.
    public var exactFilterFraction: Double
    /// A filtered search allowing at most this many rows always scans them exactly (default 2048).
    public var exactFilterRows: Int
    /// `remove` repairs the graph once removed-but-still-linked rows exceed this share of the live rows
    /// (default 0.1); until then removed rows are tombstones the search routes through but never returns.
    public var repairFraction: Double

    /// faiss's defaults for "HNSW32": M 32, efConstruction 40, efSearch 64 here (faiss: 16).
    public init(m: Int = 32, efConstruction: Int = 40, efSearch: Int = 64, seed: UInt64 = 42,
                exactFilterFraction: Double = 0.03, exactFilterRows: Int = 2048, repairFraction: Double = 0.1) {
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.seed = seed
        self.exactFilterFraction = exactFilterFraction
        self.exactFilterRows = exactFilterRows
        self.repairFraction = repairFraction
    }

    /// Neighbours kept on level 0.
    var m0: Int { 2 * m }
}

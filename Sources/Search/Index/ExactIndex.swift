import Foundation

/// Brute-force (exact) vector search over one contiguous buffer: faiss's `IndexFlat`, with f32, f16 or int8 storage.
///
/// Scores are SIMD dot products; large indexes are split across cores, each part keeping a small top-k
/// that is merged at the end. Removal leaves a tombstone (rows stay stable); `compact()` reclaims the
/// space and returns the row mapping. A value type: copies are independent (copy-on-write).
public struct ExactIndex: VectorIndex {
    /// Length of every vector.
    public let dimension: Int
    /// How scores are computed.
    public let metric: VectorMetric
    /// How vectors are held in memory.
    public var storage: VectorStorage { buffer.storage }
    /// Most threads one search uses (default: all cores).
    public var maxThreads: Int
    /// Searches scanning fewer values than this (rows × dimension) run on the calling thread.
    public var parallelThreshold: Int = 20_000 * 1280

    var buffer: VectorBuffer
    /// Live rows (removed rows are clear).
    var live: Bitset
    /// Whether any row has been removed since the last compaction.
    var hasTombstones = false
    /// Number of live vectors.
    public private(set) var count = 0

    /// Creates an empty index.
    public init(dimension: Int, storage: VectorStorage = .float32, metric: VectorMetric = .cosine,
                maxThreads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(dimension > 0, "ExactIndex: dimension must be positive")
        self.dimension = dimension
        self.metric = metric
        self.maxThreads = max(1, maxThreads)
        buffer = VectorBuffer(storage: storage, dimension: dimension)
        live = Bitset(count: 0)
    }

    /// Creates an index holding `vectors` (row-major), rows numbered from 0.
    public init(dimension: Int, storage: VectorStorage = .float32, metric: VectorMetric = .cosine, vectors: [Float]) {
        self.init(dimension: dimension, storage: storage, metric: metric)
        _ = add(vectors)
    }

    /// Rows handed out so far, removed ones included (rows are stable until `compact()`).
    public var rowCount: Int { buffer.rowCount }

    /// Bytes the stored vectors, norms, scales and the live-row bitset take.
    public var memoryBytes: Int { buffer.rowCount * buffer.bytesPerRow + live.words.count * 8 }

    /// Whether `row` holds a live vector.
    public func contains(row: Int) -> Bool { live.contains(row) }

    /// The stored vector of a live row, decoded to floats (approximate for f16 and int8 storage).
    public func vector(at row: Int) -> [Float]? {
        live.contains(row) ? buffer.decode(row: row) : nil
    }

    /// Appends vectors (row-major, a multiple of `dimension` floats); returns their rows.
    @discardableResult
    public mutating func add(_ vectors: [Float]) -> [Int] {
        Array(vectors.withUnsafeBufferPointer { add(contentsOf: $0) })
    }

    /// Appends vectors from a buffer (row-major, a multiple of `dimension` floats); returns their rows.
    @discardableResult
    public mutating func add(contentsOf vectors: UnsafeBufferPointer<Float>) -> Range<Int> {
        precondition(vectors.count % dimension == 0,
                     "ExactIndex.add: \(vectors.count) floats is not a whole number of \(dimension)-dimensional vectors")
        let rows = vectors.count / dimension
        let first = buffer.rowCount
        guard rows > 0, let base = vectors.baseAddress else { return first ..< first }
        buffer.append(rows: base, count: rows)
        live.resize(to: buffer.rowCount, newRowsSet: true)
        count += rows
        return first ..< buffer.rowCount
    }

    /// Marks rows as removed (tombstones); unknown or already removed rows are ignored.
    public mutating func remove(rows: [Int]) {
        for row in rows where live.contains(row) {
            live.remove(row)
            count -= 1
            hasTombstones = true
        }
    }

    /// Share of rows that are removed (0 when none).
    public var tombstoneRatio: Double {
        rowCount == 0 ? 0 : Double(rowCount - count) / Double(rowCount)
    }

    /// Drops removed rows and renumbers the rest in order; returns old row → new row (−1 if removed).
    @discardableResult
    public mutating func compact() -> [Int] {
        let keep = live.rows
        var mapping = [Int](repeating: -1, count: rowCount)
        for (newRow, oldRow) in keep.enumerated() { mapping[oldRow] = newRow }
        buffer.compact(keeping: keep)
        live = Bitset(count: keep.count, allSet: true)
        hasTombstones = false
        return mapping
    }
}

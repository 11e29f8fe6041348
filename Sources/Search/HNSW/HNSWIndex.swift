import Foundation

/// Approximate nearest-neighbour search over a hierarchical navigable small-world graph: faiss's
/// `IndexHNSWFlat` ("HNSW32"), with f32 or f16 storage, answering the same `VectorIndex` calls as `ExactIndex`.
///
/// Rows are stable: `add` appends, `remove` leaves a tombstone that searches route through but never return,
/// and once tombstones pass `HNSWParameters.repairFraction` the neighbour lists around them are repaired
/// (`repair()`). Filters are applied during the walk; very selective ones switch to an exact scan of the
/// allowed rows (`HNSWParameters.exactFilterFraction`). `write(to:)` saves a versioned file that
/// `open(_:)` maps into memory. A value type: copies are independent (copy-on-write).
public struct HNSWIndex: VectorIndex {
    public let dimension: Int
    public let metric: VectorMetric
    /// Most threads an insertion batch or a batch search uses (default: all cores).
    public var maxThreads: Int

    var graph: HNSWGraph
    /// Search-time and maintenance settings (the build-time ones live in `graph.parameters`).
    var tuning: HNSWParameters

    /// Creates an empty index; `storage` must be `.float32` or `.float16`.
    public init(dimension: Int, storage: VectorStorage = .float32, metric: VectorMetric = .cosine,
                parameters: HNSWParameters = HNSWParameters(),
                maxThreads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        precondition(dimension > 0, "HNSWIndex: dimension must be positive")
        precondition(storage != .int8, "HNSWIndex: int8 storage is not supported (use .float32 or .float16)")
        precondition(parameters.m >= 2 && parameters.m <= 1024, "HNSWIndex: M must be in 2...1024")
        precondition(parameters.efConstruction >= 1, "HNSWIndex: efConstruction must be positive")
        self.dimension = dimension
        self.metric = metric
        self.maxThreads = max(1, maxThreads)
        graph = HNSWGraph(dimension: dimension, storage: storage, metric: metric, parameters: parameters)
        tuning = parameters
    }

    /// Creates an index holding `vectors` (row-major), rows numbered from 0.
    public init(dimension: Int, storage: VectorStorage = .float32, metric: VectorMetric = .cosine,
                parameters: HNSWParameters = HNSWParameters(), vectors: [Float]) {
        self.init(dimension: dimension, storage: storage, metric: metric, parameters: parameters)
        add(vectors)
    }

    init(graph: HNSWGraph) {
        dimension = graph.dimension
        metric = graph.metric
        maxThreads = ProcessInfo.processInfo.activeProcessorCount
        self.graph = graph
        tuning = graph.parameters
    }

    public var count: Int { graph.liveCount }
    public var rowCount: Int { graph.rowCount }
    public var memoryBytes: Int { graph.memoryBytes }
    /// How vectors are held in memory.
    public var storage: VectorStorage { graph.storage }
    /// The tuning in use: `efSearch` and the filter and repair thresholds may be changed at any time
    /// (per copy, nothing is copied); `m`, `efConstruction` and `seed` are fixed at creation.
    public var parameters: HNSWParameters {
        get {
            var current = tuning
            current.m = graph.parameters.m
            current.efConstruction = graph.parameters.efConstruction
            current.seed = graph.parameters.seed
            return current
        }
        set {
            tuning = newValue
            tuning.efSearch = max(1, newValue.efSearch)
        }
    }
    /// Levels above 0 in use (−1 when empty).
    public var maxLevel: Int { graph.maxLevel }
    /// Whether the sections still point into a mapped file (nothing copied yet).
    public var isMapped: Bool { graph.vectors.isMapped }

    /// Whether `row` holds a live vector.
    public func contains(row: Int) -> Bool { row >= 0 && row < graph.rowCount && !graph.isRemoved(row) }

    /// The stored vector of a live row, decoded to floats (approximate for f16 storage).
    public func vector(at row: Int) -> [Float]? { contains(row: row) ? graph.decode(row: row) : nil }

    /// Share of rows that are removed (0 when none).
    public var tombstoneRatio: Double { rowCount == 0 ? 0 : Double(rowCount - count) / Double(rowCount) }

    /// Makes room for `rows` more rows, so a large build does not regrow its sections.
    public mutating func reserveCapacity(_ rows: Int) {
        makeUnique()
        graph.reserve(rows: graph.rowCount + max(0, rows))
    }

    @discardableResult
    public mutating func add(_ vectors: [Float]) -> [Int] {
        Array(vectors.withUnsafeBufferPointer { add(contentsOf: $0) })
    }

    /// Appends and links vectors from a buffer (row-major, a multiple of `dimension` floats); returns their rows.
    /// Insertion runs on up to `maxThreads` threads.
    @discardableResult
    public mutating func add(contentsOf vectors: UnsafeBufferPointer<Float>) -> Range<Int> {
        precondition(vectors.count % dimension == 0,
                     "HNSWIndex.add: \(vectors.count) floats is not a whole number of \(dimension)-dimensional vectors")
        let added = vectors.count / dimension
        let first = graph.rowCount
        guard added > 0, let base = vectors.baseAddress else { return first ..< first }
        makeUnique()
        precondition(first + added < Int(Int32.max), "HNSWIndex.add: more than 2^31 rows")
        let graph = self.graph
        graph.reserve(rows: first + added)
        graph.ensureUpperLinksWritable()
        // Levels and upper-list room first (serially: they move `upperLinks`), then vectors in parallel.
        for row in first ..< first + added {
            let level = graph.drawLevel(row: row)
            graph.levelPointer[row] = UInt8(level)
            (graph.links0.pointer(Int32.self) + row * (graph.m0 + 1)).initialize(repeating: 0, count: graph.m0 + 1)
            graph.allocateUpperLists(row: row, level: level)
        }
        let parts = added >= 4096 ? maxThreads : 1
        parallelParts(parts) { part in
            for offset in stride(from: part, to: added, by: parts) {
                graph.store(base + offset * dimension, row: first + offset)
            }
        }
        graph.rowCount = first + added
        graph.liveCount += added
        graph.link(rows: first ..< first + added, threads: maxThreads)
        return first ..< first + added
    }

    public mutating func remove(rows: [Int]) {
        var removed = 0
        for row in rows where contains(row: row) {
            if removed == 0 { makeUnique() }
            graph.tombstoneWords[row >> 6] |= 1 << UInt64(row & 63)
            graph.liveCount -= 1
            graph.unrepairedRemovals += 1
            removed += 1
        }
        if removed > 0, Double(graph.unrepairedRemovals) > tuning.repairFraction * Double(max(1, count)) {
            repair()
        }
    }

    /// Unlinks every removed row from the graph now: each live node that pointed at one gets new neighbours
    /// chosen among its old ones and those of the removed rows it pointed at (as FreshDiskANN does).
    /// Runs by itself once tombstones pass `HNSWParameters.repairFraction`.
    public mutating func repair() {
        guard graph.unrepairedRemovals > 0 else { return }
        makeUnique()
        graph.repair(threads: maxThreads)
    }

    /// Copies the shared storage before a mutation when another copy of this index holds it.
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&graph) { graph = graph.copy() }
    }
}

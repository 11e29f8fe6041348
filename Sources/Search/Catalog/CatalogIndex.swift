import Catalog

/// The search side of a catalog: product ids ↔ index rows ↔ attributes, over an `ExactIndex`.
///
/// Built from a `VectorTable`; products can be added, replaced and removed live. Removed rows are
/// tombstones until more than a quarter of the index is dead, then the index compacts itself.
/// A value type: guard a shared instance with a lock or an actor.
public struct CatalogIndex: Sendable {
    /// How the vectors are held in memory.
    public let storage: VectorStorage
    /// How scores are computed.
    public let metric: VectorMetric
    /// The vector index (nil until the first vector arrives, which fixes the dimension).
    public private(set) var index: ExactIndex?
    /// Product id of each row (nil for removed rows).
    private var ids: [String?]
    /// Attributes of each row.
    private var attributes: [[String: String]]
    private var rowOfID: [String: Int]
    private var bitsets: AttributeBitsets

    /// Builds the index of every row of `table`.
    public init(table: VectorTable, storage: VectorStorage = .float16, metric: VectorMetric = .cosine) {
        self.storage = storage
        self.metric = metric
        ids = table.ids
        attributes = table.attributes
        rowOfID = Dictionary(table.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { _, last in last })
        bitsets = AttributeBitsets(attributes: table.attributes)
        if table.dimension > 0 {
            index = ExactIndex(dimension: table.dimension, storage: storage, metric: metric, vectors: table.vectors)
        }
    }

    /// Number of searchable products.
    public var count: Int { rowOfID.count }
    /// Length of the vectors (0 while empty and never filled).
    public var dimension: Int { index?.dimension ?? 0 }
    /// Bytes of memory the vectors take.
    public var memoryBytes: Int { index?.memoryBytes ?? 0 }

    /// Whether a product is in the index.
    public func contains(id: String) -> Bool { rowOfID[id] != nil }

    /// The stored vector of a product (decoded; approximate for f16/int8), for "more like this product".
    public func vector(for id: String) -> [Float]? {
        rowOfID[id].flatMap { index?.vector(at: $0) }
    }

    /// The `k` products most like `query`, best first.
    ///
    /// `filters` keeps products whose attributes match: AND across keys, OR across the values of a key
    /// (`["articleType": ["Shirts", "Tshirts"], "gender": ["Men"]]`). Products in `excluding` are never
    /// returned. `query.count` must equal `dimension`. Scores follow `metric` (see `SearchHit.score`).
    public func search(_ query: [Float], k: Int, filters: [String: [String]] = [:],
                       excluding: Set<String> = []) -> [(id: String, score: Float)] {
        guard let index, k > 0 else { return [] }
        precondition(query.count == index.dimension,
                     "CatalogIndex.search: the query has \(query.count) values, the index holds \(index.dimension)")
        let filter = bitsets.filter(filters)
        // Excluded products are few (usually the query product itself): ask for that many more.
        let excludedRows = excluding.compactMap { rowOfID[$0] }.filter { filter?.allows($0) ?? true }
        let hits = index.search(query, k: k + excludedRows.count, filter: filter)
        var results: [(id: String, score: Float)] = []
        results.reserveCapacity(k)
        for hit in hits where results.count < k {
            guard let id = ids[hit.row], !excluding.contains(id) else { continue }
            results.append((id: id, score: hit.score))
        }
        return results
    }

    /// The filter a selection of attribute values makes, for calling `index` directly.
    public func filter(_ filters: [String: [String]]) -> RowFilter? {
        bitsets.filter(filters)
    }

    /// Adds a product, or replaces it if the id is already indexed.
    public mutating func add(id: String, attributes newAttributes: [String: String], vector: [Float]) {
        remove(id: id)
        if index == nil {
            index = ExactIndex(dimension: vector.count, storage: storage, metric: metric)
        }
        guard var current = index else { return }
        index = nil  // keep the index uniquely referenced while it grows
        precondition(vector.count == current.dimension,
                     "CatalogIndex.add: \(id) has \(vector.count) values, the index holds \(current.dimension)")
        let row = current.add(vector)[0]
        index = current
        ids.append(id)
        attributes.append(newAttributes)
        rowOfID[id] = row
        bitsets.append(row: row, attributes: newAttributes)
    }

    /// Removes a product; returns whether it was indexed.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let row = rowOfID.removeValue(forKey: id), var current = index else { return false }
        index = nil
        current.remove(rows: [row])
        index = current
        ids[row] = nil
        bitsets.clear(row: row, attributes: attributes[row])
        attributes[row] = [:]
        if current.rowCount >= 1024 && current.tombstoneRatio > 0.25 { compact() }
        return true
    }

    /// Drops removed rows now (also done automatically past 25 % tombstones).
    public mutating func compact() {
        guard var current = index else { return }
        index = nil
        let mapping = current.compact()
        index = current
        var newIDs: [String?] = []
        var newAttributes: [[String: String]] = []
        for (oldRow, newRow) in mapping.enumerated() where newRow >= 0 {
            newIDs.append(ids[oldRow])
            newAttributes.append(attributes[oldRow])
        }
        ids = newIDs
        attributes = newAttributes
        rowOfID = Dictionary(newIDs.enumerated().compactMap { row, id in id.map { ($0, row) } },
                             uniquingKeysWith: { _, last in last })
        bitsets = AttributeBitsets(attributes: newAttributes)
    }
}

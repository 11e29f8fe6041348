import Catalog
import Foundation

/// The search side of a catalog: product ids ↔ index rows ↔ attributes, over an exact index or an
/// HNSW graph (`CatalogVectors`).
///
/// Built from a `VectorTable`; products can be added, replaced and removed live. Removed rows are
/// tombstones; an exact index compacts itself once more than a quarter of it is dead, a graph repairs
/// its links instead.
/// A value type: guard a shared instance with a lock or an actor.
public struct CatalogIndex: Sendable {
    /// How the vectors are held in memory.
    public let storage: VectorStorage
    /// How scores are computed.
    public let metric: VectorMetric
    /// The vector index (nil until the first vector arrives, which fixes the dimension).
    public private(set) var vectors: CatalogVectors?
    /// Exact or HNSW (as resolved from `auto`).
    public let kind: VectorIndexKind
    /// Product id of each row (nil for removed rows).
    private var ids: [String?]
    /// Attributes of each row.
    private var attributes: [[String: String]]
    private var rowOfID: [String: Int]
    private var bitsets: AttributeBitsets

    /// Builds the exact index of every row of `table`.
    public init(table: VectorTable, storage: VectorStorage = .float16, metric: VectorMetric = .cosine) {
        let vectors = table.dimension > 0
            ? CatalogVectors.exact(ExactIndex(dimension: table.dimension, storage: storage, metric: metric, vectors: table.vectors))
            : nil
        self.init(storage: storage, metric: metric, kind: .exact, ids: table.ids, attributes: table.attributes, vectors: vectors)
    }

    /// Wraps an index whose row i is `ids[i]` (nil for removed rows) with `attributes[i]`.
    init(storage: VectorStorage, metric: VectorMetric, kind: VectorIndexKind, ids: [String?],
         attributes: [[String: String]], vectors: CatalogVectors?) {
        self.storage = storage
        self.metric = metric
        self.kind = kind
        self.ids = ids
        self.attributes = attributes
        self.vectors = vectors
        rowOfID = Dictionary(ids.enumerated().compactMap { row, id in id.map { ($0, row) } },
                             uniquingKeysWith: { _, last in last })
        bitsets = AttributeBitsets(attributes: attributes)
    }

    /// Builds the index of `table` with the kind `kind` resolves to for its size. For HNSW with a
    /// `hnswFile`, the graph saved there is opened and brought up to date (`HNSWCatalogFile.sync`);
    /// `log` hears what was done. Without a file the graph is built in memory.
    public init(table: VectorTable, storage: VectorStorage = .float16, metric: VectorMetric = .cosine,
                kind: VectorIndexKind, hnswFile: URL? = nil, parameters: HNSWParameters = HNSWParameters(),
                log: ((String) -> Void)? = nil) {
        guard kind.resolved(rows: table.count) == .hnsw, table.dimension > 0 else {
            self.init(table: table, storage: storage, metric: metric)
            return
        }
        let synced: HNSWCatalogFile.Synced
        if let hnswFile {
            synced = HNSWCatalogFile.sync(table: table, at: hnswFile, storage: storage, metric: metric,
                                          parameters: parameters, writeError: log)
            switch synced.outcome {
            case .upToDate: log?("HNSW index \(hnswFile.path) is up to date")
            case .updated(let added, let removed): log?("HNSW index \(hnswFile.path): \(added) rows added, \(removed) removed")
            case .rebuilt(let reason): log?("HNSW index \(hnswFile.path) built (\(reason))")
            }
        } else {
            synced = HNSWCatalogFile.rebuild(table, storage: storage == .int8 ? .float16 : storage, metric: metric,
                                             parameters: parameters, reason: "no file")
        }
        var attributesOfID: [String: [String: String]] = [:]
        attributesOfID.reserveCapacity(table.count)
        for (row, id) in table.ids.enumerated() { attributesOfID[id] = table.attributes[row] }
        self.init(storage: synced.index.storage, metric: metric, kind: .hnsw, ids: synced.ids,
                  attributes: synced.ids.map { $0.flatMap { attributesOfID[$0] } ?? [:] }, vectors: .hnsw(synced.index))
    }

    /// Number of searchable products.
    public var count: Int { rowOfID.count }
    /// Length of the vectors (0 while empty and never filled).
    public var dimension: Int { vectors?.dimension ?? 0 }
    /// Bytes of memory the vectors take.
    public var memoryBytes: Int { vectors?.memoryBytes ?? 0 }

    /// Whether a product is in the index.
    public func contains(id: String) -> Bool { rowOfID[id] != nil }

    /// A product's value of an attribute, nil if it has none or is not indexed.
    public func attribute(_ key: String, of id: String) -> String? {
        rowOfID[id].flatMap { attributes[$0][key] }
    }

    /// The stored vector of a product (decoded; approximate for f16/int8), for "more like this product".
    public func vector(for id: String) -> [Float]? {
        rowOfID[id].flatMap { vectors?.vector(at: $0) }
    }

    /// The `k` products most like `query`, best first.
    ///
    /// `filters` keeps products whose attributes match: AND across keys, OR across the values of a key
    /// (`["articleType": ["Shirts", "Tshirts"], "gender": ["Men"]]`). Products in `excluding` are never
    /// returned. `query.count` must equal `dimension`. Scores follow `metric` (see `SearchHit.score`).
    public func search(_ query: [Float], k: Int, filters: [String: [String]] = [:],
                       excluding: Set<String> = []) -> [(id: String, score: Float)] {
        guard let index = vectors, k > 0 else { return [] }
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
        if vectors == nil {
            vectors = .exact(ExactIndex(dimension: vector.count, storage: storage, metric: metric))
        }
        guard var current = vectors else { return }
        vectors = nil  // keep the index uniquely referenced while it grows
        precondition(vector.count == current.dimension,
                     "CatalogIndex.add: \(id) has \(vector.count) values, the index holds \(current.dimension)")
        let row = current.add(vector)[0]
        vectors = current
        while ids.count < row { ids.append(nil); attributes.append([:]) }
        ids.append(id)
        attributes.append(newAttributes)
        rowOfID[id] = row
        bitsets.append(row: row, attributes: newAttributes)
    }

    /// Removes a product; returns whether it was indexed.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let row = rowOfID.removeValue(forKey: id), var current = vectors else { return false }
        vectors = nil
        current.remove(rows: [row])
        vectors = current
        ids[row] = nil
        bitsets.clear(row: row, attributes: attributes[row])
        attributes[row] = [:]
        if current.rowCount >= 1024 && current.tombstoneRatio > 0.25 { compact() }
        return true
    }

    /// Drops removed rows of an exact index now (also done automatically past 25 % tombstones).
    public mutating func compact() {
        guard var current = vectors else { return }
        vectors = nil
        let compacted = current.compact()
        vectors = current
        guard let mapping = compacted else { return }
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

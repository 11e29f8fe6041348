import Catalog
import Crypto
import Foundation

/// The HNSW graph of a catalog, kept on disk beside the catalog and brought up to date incrementally.
///
/// Two files: the graph (`HNSWIndex.write`, memory-mapped on open) and a JSON sidecar
/// (`<graph>.ids.json`) naming the product and a vector checksum of every row, plus the model key,
/// metric and storage it was built for, the SHA-256 of the graph file and a SHA-256 of its own content.
/// Both digests are checked on open, so a damaged graph or an edited sidecar is rebuilt rather than
/// served. Both files are only ever replaced whole (written beside, then renamed over), so a server
/// that has the old graph mapped keeps a valid mapping; never edit them in place. `sync` opens both, removes rows whose product vanished or whose
/// vector changed, adds the new ones, and writes the files back only when something changed; it rebuilds
/// from scratch when the files are missing, unreadable, for another model, or when more than half the
/// catalog changed (a fresh graph is then as fast to build and better connected).
public enum HNSWCatalogFile {
    /// What `sync` did.
    public enum Outcome: Sendable, Equatable {
        /// The files matched the catalog: nothing was written.
        case upToDate
        /// Rows were removed and added in place, and the files rewritten.
        case updated(added: Int, removed: Int)
        /// The graph was built from every row and the files (re)written.
        case rebuilt(reason: String)
    }

    /// The graph brought in line with `table`, its row → product id table, and what was done.
    public struct Synced: Sendable {
        /// The graph.
        public var index: HNSWIndex
        /// Product id of each graph row (nil for removed rows).
        public var ids: [String?]
        /// What was done to the files.
        public var outcome: Outcome
    }

    /// The sidecar's content.
    struct Sidecar: Codable {
        static let currentVersion = 2
        var version = Self.currentVersion
        var modelKey: String
        var metric: VectorMetric
        var storage: VectorStorage
        var dimension: Int
        var ids: [String?]
        var checksums: [UInt64]
        /// SHA-256 (hex) of the graph file.
        var graphDigest: String?
        /// SHA-256 (hex) of this sidecar encoded with `digest` nil.
        var digest: String?

        /// The sidecar's own digest, computed over its other fields.
        func computedDigest() throws -> String {
            var unsigned = self
            unsigned.digest = nil
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return HNSWIndex.hex(SHA256.hash(data: try encoder.encode(unsigned)))
        }

        /// The sidecar with its digest filled in.
        func signed() throws -> Sidecar {
            var copy = self
            copy.digest = try computedDigest()
            return copy
        }
    }

    /// Where the sidecar of a graph file lives.
    public static func sidecarURL(for graph: URL) -> URL {
        graph.appendingPathExtension("ids.json")
    }

    /// Opens (or builds) the graph at `url` for `table` and makes it match. `storage` `.int8` is held as
    /// `.float16` (the graph stores floats). When the files cannot be written the graph is still returned
    /// and `writeError` says why.
    public static func sync(table: VectorTable, at url: URL, storage: VectorStorage, metric: VectorMetric,
                            parameters: HNSWParameters = HNSWParameters(),
                            writeError: ((String) -> Void)? = nil) -> Synced {
        let storage: VectorStorage = storage == .int8 ? .float16 : storage
        let wanted = table.ids.indices.map { checksum(table, row: $0) }
        var synced: Synced
        switch openExisting(url, table: table, storage: storage, metric: metric) {
        case .failure(let reason):
            synced = rebuild(table, storage: storage, metric: metric, parameters: parameters, reason: reason.reason)
        case .success(let (existing, sidecar)):
            synced = update(existing, sidecar: sidecar, table: table, wanted: wanted)
                ?? rebuild(table, storage: storage, metric: metric, parameters: parameters,
                           reason: "more than half of the catalog changed")
        }
        if synced.outcome != .upToDate {
            do {
                let graphDigest = try synced.index.write(to: url)
                let sidecar = try Sidecar(modelKey: table.modelKey, metric: metric, storage: storage,
                                          dimension: table.dimension, ids: synced.ids,
                                          checksums: checksums(ids: synced.ids, table: table, wanted: wanted),
                                          graphDigest: graphDigest).signed()
                try JSONEncoder().encode(sidecar).write(to: sidecarURL(for: url), options: .atomic)
            } catch {
                writeError?("could not save the HNSW index at \(url.path): \(error)")
            }
        }
        return synced
    }

    /// The files at `url` if they exist and fit `table`, else why not.
    static func openExisting(_ url: URL, table: VectorTable, storage: VectorStorage,
                             metric: VectorMetric) -> Result<(HNSWIndex, Sidecar), ReasonError> {
        guard FileManager.default.fileExists(atPath: url.path) else { return .failure(ReasonError("no index file yet")) }
        let sidecar: Sidecar
        let index: HNSWIndex
        do {
            sidecar = try JSONDecoder().decode(Sidecar.self, from: Data(contentsOf: sidecarURL(for: url)))
            index = try HNSWIndex.open(url)
        } catch {
            return .failure(ReasonError("the index files are unreadable (\(error))"))
        }
        guard sidecar.version == Sidecar.currentVersion else {
            return .failure(ReasonError("the index files have format \(sidecar.version), this build writes \(Sidecar.currentVersion)"))
        }
        do {
            guard let digest = sidecar.digest, digest == (try sidecar.computedDigest()) else {
                return .failure(ReasonError("the sidecar \(sidecarURL(for: url).lastPathComponent) was changed or damaged"))
            }
            guard let graphDigest = sidecar.graphDigest, graphDigest == (try HNSWIndex.contentDigest(of: url)) else {
                return .failure(ReasonError("the graph file \(url.lastPathComponent) was changed or damaged"))
            }
        } catch {
            return .failure(ReasonError("the index files are unreadable (\(error))"))
        }
        guard sidecar.modelKey == table.modelKey, sidecar.metric == metric,
              sidecar.storage == storage, index.storage == storage, index.metric == metric,
              sidecar.dimension == table.dimension, index.dimension == table.dimension,
              sidecar.ids.count == index.rowCount, sidecar.checksums.count == index.rowCount
        else { return .failure(ReasonError("the index files were built for another model or setting")) }
        return .success((index, sidecar))
    }

    /// Applies the difference between the sidecar and `table`; nil when more than half the rows changed.
    static func update(_ existing: HNSWIndex, sidecar: Sidecar, table: VectorTable, wanted: [UInt64]) -> Synced? {
        var index = existing
        var ids = sidecar.ids
        var tableRow: [String: Int] = [:]
        tableRow.reserveCapacity(table.count)
        for (row, id) in table.ids.enumerated() { tableRow[id] = row }
        var kept = Set<String>()
        var removed: [Int] = []
        for (row, id) in sidecar.ids.enumerated() {
            guard let id else { continue }
            if let wantedRow = tableRow[id], wanted[wantedRow] == sidecar.checksums[row], !kept.contains(id) {
                kept.insert(id)
            } else {
                removed.append(row)
            }
        }
        let added = table.ids.indices.filter { !kept.contains(table.ids[$0]) }
        if removed.isEmpty && added.isEmpty { return Synced(index: existing, ids: ids, outcome: .upToDate) }
        guard removed.count + added.count <= max(table.count, 1) / 2 else { return nil }
        index.remove(rows: removed)
        for row in removed { ids[row] = nil }
        var vectors: [Float] = []
        vectors.reserveCapacity(added.count * table.dimension)
        for row in added { vectors += table.vectors[row * table.dimension ..< (row + 1) * table.dimension] }
        let rows = index.add(vectors)
        for (row, source) in zip(rows, added) {
            while ids.count <= row { ids.append(nil) }
            ids[row] = table.ids[source]
        }
        return Synced(index: index, ids: ids, outcome: .updated(added: added.count, removed: removed.count))
    }

    /// A new graph of every row of `table`.
    static func rebuild(_ table: VectorTable, storage: VectorStorage, metric: VectorMetric,
                        parameters: HNSWParameters, reason: String) -> Synced {
        var index = HNSWIndex(dimension: max(table.dimension, 1), storage: storage, metric: metric, parameters: parameters)
        index.reserveCapacity(table.count)
        if table.count > 0 { _ = table.vectors.withUnsafeBufferPointer { index.add(contentsOf: $0) } }
        return Synced(index: index, ids: table.ids, outcome: .rebuilt(reason: reason))
    }

    /// Checksums of the rows in `ids` order (0 for removed rows).
    static func checksums(ids: [String?], table: VectorTable, wanted: [UInt64]) -> [UInt64] {
        var byID: [String: UInt64] = [:]
        byID.reserveCapacity(table.count)
        for (row, id) in table.ids.enumerated() { byID[id] = wanted[row] }
        return ids.map { $0.flatMap { byID[$0] } ?? 0 }
    }

    /// FNV-1a over the bit patterns of (up to) the first 64 values of a row: a changed image changes them.
    static func checksum(_ table: VectorTable, row: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        let start = row * table.dimension
        for value in table.vectors[start ..< start + min(64, table.dimension)] {
            hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Why the files could not be used.
    struct ReasonError: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

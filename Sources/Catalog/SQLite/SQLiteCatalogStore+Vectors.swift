import Foundation
import GRDB

extension SQLiteCatalogStore {
    /// id → hash of the image each stored vector of `modelKey` was computed from.
    public func contentHashes(modelKey: String) async throws -> [String: String] {
        try await read("reading content hashes") { db in
            var hashes: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT product_id, content_hash FROM vectors WHERE model_key = ? AND content_hash IS NOT NULL
                """, arguments: [modelKey])
            while let row = try rows.next() {
                hashes[row[0]] = row[1]
            }
            return hashes
        }
    }

    /// Every vector of `modelKey`, decoded to floats, with ids and attributes, rows sorted by id.
    public func loadVectors(modelKey: String) async throws -> VectorTable {
        try await read("loading the vectors of model \(modelKey)") { db in
            let shape = try Row.fetchOne(db, sql: """
                SELECT COUNT(*), MIN(dimension), MAX(dimension) FROM vectors WHERE model_key = ?
                """, arguments: [modelKey])
            let count: Int = shape?[0] ?? 0
            guard count > 0, let dimension: Int = shape?[1], let maxDimension: Int = shape?[2] else {
                return VectorTable(modelKey: modelKey, ids: [], attributes: [], dimension: 0, vectors: [])
            }
            var ids: [String] = []
            ids.reserveCapacity(count)
            var rowOfID: [String: Int] = [:]
            rowOfID.reserveCapacity(count)
            var failure: CatalogStoreError?
            let vectors = try [Float](unsafeUninitializedCapacity: count * dimension) { buffer, initialized in
                guard let base = buffer.baseAddress else { return }
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT product_id, dimension, vector FROM vectors WHERE model_key = ? ORDER BY product_id
                    """, arguments: [modelKey])
                while let row = try rows.next(), ids.count < count {
                    let id: String = row[0]
                    let rowDimension: Int = row[1]
                    if rowDimension != dimension || maxDimension != dimension {
                        failure = .dimensionMismatch(id: id, modelKey: modelKey, expected: dimension,
                                                     found: max(rowDimension, maxDimension))
                        break
                    }
                    let destination = base + ids.count * dimension
                    let blobBytes = try row.withUnsafeData(atIndex: 2) { blob -> Int in
                        guard let blob, blob.count == dimension * 2 else { return blob?.count ?? 0 }
                        blob.withUnsafeBytes { raw in Float16Codec.decode(raw, count: dimension, into: destination) }
                        return blob.count
                    }
                    if blobBytes != dimension * 2 {
                        failure = .corruptVector(id: id, modelKey: modelKey, expectedBytes: dimension * 2, foundBytes: blobBytes)
                        break
                    }
                    rowOfID[id] = ids.count
                    ids.append(id)
                }
                // Rows that were not filled (only possible on failure) are zeroed so the array is valid.
                (base + ids.count * dimension).initialize(repeating: 0, count: (count - ids.count) * dimension)
                initialized = count * dimension
            }
            if let failure { throw failure }
            var attributes = [[String: String]](repeating: [:], count: ids.count)
            let attributeRows = try Row.fetchCursor(db, sql: """
                SELECT a.product_id, a.key, a.value FROM product_attributes a
                JOIN vectors v ON v.product_id = a.product_id AND v.model_key = ?
                """, arguments: [modelKey])
            while let row = try attributeRows.next() {
                let id: String = row[0]
                if let index = rowOfID[id] { attributes[index][row[1]] = row[2] }
            }
            return VectorTable(modelKey: modelKey, ids: ids, attributes: attributes, dimension: dimension,
                               vectors: ids.count == count ? vectors : Array(vectors[0 ..< ids.count * dimension]))
        }
    }
}

import Catalog
import Foundation
import Search

/// Fits, checks and stores a catalog's tuned similarity (`lookalike tune`), and re-fits it when the
/// catalog has changed a lot (`lookalike index`).
public enum CatalogTuning {
    /// Raw against tuned retrieval on products held out of the fit.
    public struct HoldoutReport: Sendable, Codable {
        /// Products fitted on.
        public var fitted: Int
        /// Held-out products used as queries (against the fitted ones).
        public var heldOut: Int
        /// The model's vectors, cosine.
        public var raw: RetrievalMetrics
        /// Tuned vectors with the tuned default αQE (10 neighbours).
        public var tuned: RetrievalMetrics
        /// Seconds the held-out fit took.
        public var fitSeconds: Double
    }

    /// Fits on 9 of every 10 labelled products (chosen by a hash of their id, so reruns agree) and scores
    /// the 10th as queries, raw and tuned, relevance = same `label`.
    public static func holdout(table: VectorTable, label: String, parameters: TunedSimilarity.Parameters) throws -> HoldoutReport {
        let d = table.dimension
        var fitRows: [Int] = [], testRows: [Int] = []
        for (row, id) in table.ids.enumerated() where table.attributes[row][label] != nil {
            if stableHash(id) % 10 == 0 { testRows.append(row) } else { fitRows.append(row) }
        }
        guard !fitRows.isEmpty || !testRows.isEmpty else { throw TuningError.notEnoughData("no product has a value for '\(label)'") }
        guard !testRows.isEmpty else { throw TuningError.notEnoughData("too few products with a '\(label)' to hold any out") }
        func part(_ rows: [Int]) -> VectorTable {
            var vectors: [Float] = []
            vectors.reserveCapacity(rows.count * d)
            for r in rows { vectors += table.vectors[(r * d)..<((r + 1) * d)] }
            return VectorTable(modelKey: table.modelKey, ids: rows.map { table.ids[$0] }, attributes: rows.map { table.attributes[$0] },
                               dimension: d, vectors: vectors)
        }
        let fitPart = part(fitRows), testPart = part(testRows)
        let started = Date()
        let tuning = try TunedSimilarity.fit(vectors: fitPart.vectors, dimension: d, labels: fitPart.attributes.map { $0[label] },
                                             label: label, parameters: parameters)
        let seconds = Date().timeIntervalSince(started)
        let raw = RetrievalEvaluation.run(catalog: fitPart, queries: SourceVectors(table: testPart), label: label)
        let tunedCatalog = tuning.projected(fitPart), tunedQueries = tuning.projected(testPart)
        let tuned = RetrievalEvaluation.run(catalog: tunedCatalog, queries: SourceVectors(table: tunedQueries), label: label,
                                            expansion: QueryExpansion(depth: 10), consensus: LabelConsensus(label: label))
        return HoldoutReport(fitted: fitRows.count, heldOut: testRows.count, raw: raw.metrics, tuned: tuned.metrics, fitSeconds: seconds)
    }

    /// Fits on every labelled product and stores the tuning in the catalog's settings.
    @discardableResult
    public static func fitAndStore(store: any CatalogStore, table: VectorTable, label: String,
                                   parameters: TunedSimilarity.Parameters) async throws -> TunedSimilarity {
        let tuning = try TunedSimilarity.fit(vectors: table.vectors, dimension: table.dimension,
                                             labels: table.attributes.map { $0[label] }, label: label, parameters: parameters)
        try await store.setSetting(TunedSimilarity.settingKey(modelKey: table.modelKey), tuning.encoded())
        return tuning
    }

    /// The catalog's stored tuning for `modelKey`: nil when it has none; throws when it cannot be read or
    /// takes vectors of another length than `dimension`.
    public static func stored(in store: any CatalogStore, modelKey: String, dimension: Int) async throws -> TunedSimilarity? {
        guard let data = try await store.setting(TunedSimilarity.settingKey(modelKey: modelKey)) else { return nil }
        let tuning = try TunedSimilarity(encoded: data)
        guard tuning.inputDimension == dimension else {
            throw TuningError.unusable("it takes \(tuning.inputDimension)-d vectors, the catalog's are \(dimension)-d")
        }
        return tuning
    }

    /// Re-fits the stored tuning of `modelKey` (same label and parameters) when the catalog changed by more
    /// than a quarter since it was fitted; returns the new tuning, or nil when none was needed.
    public static func refitIfStale(store: any CatalogStore, modelKey: String) async throws -> TunedSimilarity? {
        guard let data = try await store.setting(TunedSimilarity.settingKey(modelKey: modelKey)),
              let old = try? TunedSimilarity(encoded: data) else { return nil }
        // Counted, not loaded: the vectors are read only when there is something to re-fit.
        guard old.isStale(catalogCount: try await store.stats().vectorsByModelKey[modelKey] ?? 0) else { return nil }
        let table = try await store.loadVectors(modelKey: modelKey)
        return try await fitAndStore(store: store, table: table, label: old.label, parameters: old.parameters)
    }

    /// FNV-1a of a string, then SplitMix64's finaliser (FNV's low bits alone split ids like "test-12" unevenly):
    /// a split that does not depend on row order.
    static func stableHash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h ^= UInt64(byte); h &*= 0x0000_0100_0000_01B3 }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }
}

extension VectorProjection {
    /// The same table with projected vectors.
    public func projected(_ table: VectorTable) -> VectorTable {
        VectorTable(modelKey: table.modelKey, ids: table.ids, attributes: table.attributes, dimension: outputDimension,
                    vectors: project(rows: table.vectors, count: table.count))
    }
}

extension SourceVectors {
    /// A table's rows as a query set.
    public init(table: VectorTable) {
        self.init(ids: table.ids, attributes: table.attributes, vectors: table.vectors, failures: [])
    }
}

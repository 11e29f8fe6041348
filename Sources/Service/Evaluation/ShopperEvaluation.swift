import Catalog
import Dispatch
import Embedding
import Foundation
import Imaging
import Search

/// Exact-item retrieval of shoppers' photos: is the product a photo shows among the first 1 / 10
/// results, and what share of the first 10 have its label (category precision).
public enum ShopperEvaluation {
    /// How a photo becomes a query: a name, and its vector with (for verification) its item signatures.
    public struct Method {
        public var name: String
        public var query: (EncodedImage) throws -> (vector: [Float], signatures: [[Float]]?)

        /// A method; a query with signatures is ranked by `ItemVerification`.
        public init(name: String, query: @escaping (EncodedImage) throws -> (vector: [Float], signatures: [[Float]]?)) {
            self.name = name
            self.query = query
        }
    }

    /// What one run measured.
    public struct Report: Sendable, Codable {
        /// Photos scored (their product is in the catalog and the photo decoded).
        public var photos: Int
        /// Photos skipped: product not in the catalog, or the photo failed to decode.
        public var skipped: Int
        /// Share of photos whose product is the first result.
        public var recallAt1: Double
        /// Share of photos whose product is among the first 10.
        public var recallAt10: Double
        /// Mean share of the first 10 results with the photo's label (photos with a label only).
        public var categoryPrecisionAt10: Double
        /// Median milliseconds from a photo to its first 10 results (decode, cleanup, model calls, search).
        public var queryMilliseconds: Double
    }

    /// Scores `set` against the catalog `table` with each of `methods` (a name and how a photo becomes a
    /// vector). Photos are taken in turn and every method runs on each before the next photo, so their
    /// timings share the machine's conditions. Vectors are mapped by `tuning` (any projection, if given) and searched
    /// exactly (f32, cosine) among the catalog's (tuned) vectors.
    /// A query with signatures is ranked by `verification` (raw cosine + item-signature match) instead. The
    /// milliseconds run from photo file to the first 10 results.
    public static func run(set: ShopperPhotos, catalog table: VectorTable, label: String, tuning: (any VectorProjection)? = nil,
                           verification: ItemVerification? = nil, methods: [Method]) -> [(name: String, report: Report)] {
        let searched = tuning.map { $0.projected(table) } ?? table
        var index = ExactIndex(dimension: searched.dimension, storage: .float32, metric: .cosine)
        _ = index.add(searched.vectors)
        let rowOf = Dictionary(table.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        struct Tally { var hits1 = 0, hits10 = 0, scored = 0, skipped = 0, labelled = 0, category = 0.0, times: [Double] = [] }
        var tallies = [Tally](repeating: Tally(), count: methods.count)
        for photo in set.photos {
            guard let target = rowOf[photo.productID], let image = try? EncodedImage(contentsOf: photo.url) else {
                for m in tallies.indices { tallies[m].skipped += 1 }
                continue
            }
            for (m, method) in methods.enumerated() {
                let started = DispatchTime.now().uptimeNanoseconds
                guard let (vector, signatures) = try? method.query(image) else { tallies[m].skipped += 1; continue }
                let results: [SearchHit]
                if let signatures, let verification {
                    results = verification.rank(query: vector, photoSignatures: signatures, k: 10)
                        .compactMap { hit in rowOf[hit.id].map { SearchHit(row: $0, score: hit.score) } }
                } else {
                    results = index.search(tuning?.project(vector) ?? vector, k: 10, filter: nil)
                }
                tallies[m].times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                tallies[m].scored += 1
                if results.first?.row == target { tallies[m].hits1 += 1 }
                if results.contains(where: { $0.row == target }) { tallies[m].hits10 += 1 }
                if let wanted = photo.label, !results.isEmpty {
                    tallies[m].labelled += 1
                    tallies[m].category += Double(results.filter { table.attributes[$0.row][label] == wanted }.count) / Double(results.count)
                }
            }
        }
        return zip(methods, tallies).map { method, t in
            let n = Double(max(t.scored, 1)), times = t.times.sorted()
            return (method.name, Report(photos: t.scored, skipped: t.skipped, recallAt1: Double(t.hits1) / n, recallAt10: Double(t.hits10) / n,
                                        categoryPrecisionAt10: t.labelled > 0 ? t.category / Double(t.labelled) : 0,
                                        queryMilliseconds: times.isEmpty ? 0 : times[times.count / 2]))
        }
    }
}

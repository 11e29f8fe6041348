import Catalog
import Embedding
import Foundation
import Imaging

/// Embeds what a catalog source lists without storing it (query sets for evaluation).
public struct SourceVectors: Sendable {
    /// Ids of the embedded items, in source order.
    public var ids: [String]
    /// Attributes of each item.
    public var attributes: [[String: String]]
    /// Row-major L2-normalised vectors.
    public var vectors: [Float]
    /// Items that could not be embedded: "id: reason".
    public var failures: [String]

    /// Wraps vectors made elsewhere (e.g. read from another catalog).
    public init(ids: [String], attributes: [[String: String]], vectors: [Float], failures: [String]) {
        self.ids = ids
        self.attributes = attributes
        self.vectors = vectors
        self.failures = failures
    }

    /// Decodes on all cores and embeds in batches; at most `limit` items. With `flip`, each vector is the normalised
    /// mean of the image's and its mirror image's (flip test-time augmentation: one more model input per item).
    public static func embed(_ source: any CatalogSource, with embedder: Embedder, limit: Int? = nil, flip: Bool = false) throws -> SourceVectors {
        var result = SourceVectors(ids: [], attributes: [], vectors: [], failures: [])
        var pending: [SourceItem] = []
        func drain() throws {
            guard !pending.isEmpty else { return }
            let items = pending
            let decoded = concurrentMap(items.count) { i in
                Result { try embedder.decode(items[i].encodedImage(limits: embedder.options.limits)) }
            }
            var images: [RGBImage] = []
            var kept: [SourceItem] = []
            for (i, item) in items.enumerated() {
                switch decoded[i] {
                case .success(let image): images.append(image); kept.append(item)
                case .failure(let error): result.failures.append("\(item.id): \(error)")
                }
            }
            if !images.isEmpty {
                result.vectors += try embedder.embed(images, mirrorAveraged: flip).flatMap { $0 }
                result.ids += kept.map(\.id)
                result.attributes += kept.map(\.attributes)
            }
            pending.removeAll(keepingCapacity: true)
        }
        var count = 0
        for entry in try source.items() {
            if let limit, count >= limit { break }
            guard case .item(let item) = entry else {
                if case .problem(let problem) = entry { result.failures.append(problem.description) }
                continue
            }
            count += 1
            pending.append(item)
            if pending.count >= 256 { try drain() }
        }
        try drain()
        return result
    }
}

import Catalog
import Embedding
import Foundation
import Imaging

extension CatalogLook {
    /// Samples the look of a catalog from up to `limit` of its products' image files, spread evenly over `ids`.
    public static func sample(store: any CatalogStore, ids: [String], embedder: any ImageEmbedder, limit: Int = 64) async throws -> CatalogLook {
        guard !ids.isEmpty else { return .unknown }
        let step = max(1, ids.count / limit)
        let chosen = stride(from: 0, to: ids.count, by: step).prefix(limit).map { ids[$0] }
        var images: [RGBImage] = []
        for product in try await store.products(ids: chosen) {
            guard let path = product.imagePath,
                  let encoded = try? EncodedImage(contentsOf: URL(fileURLWithPath: path), limits: embedder.options.limits),
                  let small = try? embedder.decodeWhole(encoded, width: 32, height: 32, fit: .stretch, background: (255, 255, 255), region: nil) else { continue }
            images.append(small)
        }
        return sample(images)
    }
}

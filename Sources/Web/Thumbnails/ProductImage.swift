import Catalog
import Foundation
import Imaging

/// Reads a product's stored image from disk.
enum ProductImage {
    /// The image file's bytes; 404 when the product has no image file or it has gone.
    static func load(_ product: Product, limits: ImageLimits) throws -> EncodedImage {
        guard let path = product.imagePath, !path.isEmpty else {
            throw APIError(.notFound, "image_missing", "product '\(product.id)' has no image file")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw APIError(.notFound, "image_missing", "the image file of product '\(product.id)' is missing from the server")
        }
        return try EncodedImage(contentsOf: URL(fileURLWithPath: path), limits: limits)
    }
}

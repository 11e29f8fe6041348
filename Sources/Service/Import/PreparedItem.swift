import Catalog
import Embedding
import Foundation
import Imaging

/// A source item read, hashed and decoded for the model — or found unchanged, or failed.
enum PreparedItem: Sendable {
    /// The image's content hash matches what is stored: nothing to do.
    case unchanged(id: String)
    /// Ready for the model (with the product's item signature when the import stores them; nil for a blank image).
    case ready(Product, RGBImage, signature: [Float]?)
    /// Could not be read or decoded; the reason is for the person running the import.
    case failed(id: String, reason: String)

    /// Reads the item's bytes once, hashes them, and decodes them unless the stored hash matches.
    /// Pixel-only items (Fashion-MNIST) are encoded as PNG and written to `assets` so pages can show them.
    /// With `signatures`, the item signature is computed here too, from the whole image (on the decoding threads).
    /// A remote image is the local copy `fetched` gives (a failed download fails the item, with its reason);
    /// without one the item fails (`ImageReferenceError.remote`). The import goes on either way.
    static func prepare(_ item: SourceItem, storedHash: String?, embedder: any ImageEmbedder, assets: URL?, signatures: Bool = false,
                        fetched: Result<RemoteImage, RemoteFetchError>? = nil) -> PreparedItem {
        var product = Product(id: item.id, title: item.title, attributes: item.attributes)
        do {
            if case .grayscalePixels = item.image {
                // Hash the pixels first: unchanged items then cost no PNG encoding.
                product.contentHash = try item.image.contentHash()
                if storedHash == product.contentHash { return .unchanged(id: item.id) }
            }
            if case .remote(let url) = item.image {
                guard let fetched else { throw ImageReferenceError.remote(url) }
                let image: RemoteImage
                switch fetched {
                case .success(let copy): image = copy
                case .failure(let error): return .failed(id: item.id, reason: "image \(url.absoluteString): \(error)")
                }
                // Unchanged content (a 304, or the same bytes again) needs no decoding.
                if storedHash == image.contentHash { return .unchanged(id: item.id) }
                product.imagePath = image.file.path
                product.contentHash = image.contentHash
                let encoded = try EncodedImage(contentsOf: image.file, limits: embedder.options.limits)
                return .ready(product, try embedder.decode(encoded), signature: signatures ? try embedder.productSignature(encoded) : nil)
            }
            let encoded = try item.encodedImage(limits: embedder.options.limits)
            switch item.image {
            case .file(let url):
                product.imagePath = url.path
                product.contentHash = ContentHash.hex(of: encoded.data)
            case .remote(let url):
                throw ImageReferenceError.remote(url)
            case .grayscalePixels:
                if let assets {
                    let file = assets.appendingPathComponent(AssetName.fileName(for: item.id) + ".png")
                    try encoded.data.write(to: file, options: .atomic)
                    product.imagePath = file.path
                }
            }
            if storedHash == product.contentHash { return .unchanged(id: item.id) }
            return .ready(product, try embedder.decode(encoded), signature: signatures ? try embedder.productSignature(encoded) : nil)
        } catch {
            return .failed(id: item.id, reason: "\(error)")
        }
    }
}

/// Safe file names for product ids.
enum AssetName {
    /// The id with anything but letters, digits, '-', '_' and '.' replaced by '_'.
    static func fileName(for id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }
}

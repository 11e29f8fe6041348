import Catalog
import Embedding
import Foundation
import Imaging

/// A source item read, hashed and decoded for the model — or found unchanged, or failed.
enum PreparedItem: Sendable {
    /// Every image's content hash matches what is stored: nothing to embed. `problems`: additional images
    /// that could not be read (the product keeps the others).
    case unchanged(id: String, problems: [SourceProblem])
    /// Ready for the model: the primary image then each of `product.images`, decoded, with the product's item
    /// signature when the import stores them (nil for a blank image) and the additional images left out.
    case ready(Product, [RGBImage], signature: [Float]?, problems: [SourceProblem])
    /// The primary image could not be read or decoded; the reason is for the person running the import.
    case failed(id: String, reason: String)

    /// Reads each of the item's images once, hashes them, and decodes them all unless every hash matches
    /// `known` (what the store's vectors were made from).
    /// Pixel-only items (Fashion-MNIST) are encoded as PNG and written to `assets` so pages can show them.
    /// With `signatures`, the item signature is computed here too, from the whole primary image (on the decoding threads).
    /// A remote image is the local copy `fetched` gives for its position (0: the primary image); a failed
    /// download fails the item when it is the primary image, else only that image — with its reason either way.
    static func prepare(_ item: SourceItem, known: KnownImages?, embedder: any ImageEmbedder, assets: URL?, signatures: Bool = false,
                        fetched: [Int: Result<RemoteImage, RemoteFetchError>] = [:]) -> PreparedItem {
        var product = Product(id: item.id, title: item.title, attributes: item.attributes)
        let limits = embedder.options.limits
        do {
            let primary = try LocatedImage(item.image, id: item.id, position: 0, fetched: fetched[0], limits: limits, assets: assets)
            product.imagePath = primary.path
            product.contentHash = primary.hash
            var problems: [SourceProblem] = []
            var located: [(photo: ProductPhoto, image: LocatedImage)] = []
            for (offset, reference) in item.additionalImages.enumerated() {
                let position = offset + 1
                do {
                    let image = try LocatedImage(reference, id: item.id, position: position, fetched: fetched[position],
                                                 limits: limits, assets: assets)
                    located.append((ProductPhoto(position: position, imagePath: image.path, contentHash: image.hash), image))
                } catch {
                    problems.append(SourceProblem(item: "\(item.id) image \(position)", reason: "\(error)"))
                }
            }
            product.images = located.map(\.photo)
            if let known, known.matches(product) { return .unchanged(id: item.id, problems: problems) }
            let primaryImage = try primary.encoded()
            var decoded = [try embedder.decode(primaryImage)]
            var kept: [ProductPhoto] = []
            for (photo, image) in located {
                do {
                    decoded.append(try embedder.decode(try image.encoded()))
                    kept.append(photo)
                } catch {
                    problems.append(SourceProblem(item: "\(item.id) image \(photo.position)", reason: "\(error)"))
                }
            }
            product.images = kept
            return .ready(product, decoded, signature: signatures ? try embedder.productSignature(primaryImage) : nil, problems: problems)
        } catch {
            return .failed(id: item.id, reason: "\(error)")
        }
    }
}

/// The content hashes a store's vectors of an item were made from.
struct KnownImages: Sendable {
    /// The primary image's.
    var primary: String
    /// Each additional image's, by position.
    var images: [Int: String]

    /// Whether `product`'s images are exactly those (same positions, same content).
    func matches(_ product: Product) -> Bool {
        guard product.contentHash == primary, product.images.count == images.count else { return false }
        return product.images.allSatisfy { $0.contentHash != nil && images[$0.position] == $0.contentHash }
    }
}

/// One image of an item, read far enough to know its content hash; `encoded()` gives its bytes for decoding.
struct LocatedImage {
    /// Where the image file is (nil for pixels with no image folder to write them to).
    let path: String?
    /// SHA-256 hex of the content.
    let hash: String
    /// The encoded image, read (or, for pixels, encoded and written to the image folder) when asked.
    let encoded: () throws -> EncodedImage

    /// Locates `reference`, image `position` of item `id`: a file is read and hashed, a remote image is its
    /// downloaded copy (`fetched`), pixels are hashed (and encoded as PNG only when `encoded()` is called).
    init(_ reference: ImageReference, id: String, position: Int, fetched: Result<RemoteImage, RemoteFetchError>?,
         limits: ImageLimits, assets: URL?) throws {
        switch reference {
        case .file(let url):
            let image = try EncodedImage(contentsOf: url, limits: limits)
            path = url.path
            hash = ContentHash.hex(of: image.data)
            encoded = { image }
        case .remote(let url):
            guard let fetched else { throw ImageReferenceError.remote(url) }
            switch fetched {
            case .success(let copy):
                path = copy.file.path
                hash = copy.contentHash
                encoded = { try EncodedImage(contentsOf: copy.file, limits: limits) }
            case .failure(let error):
                throw RemoteImageFailure(url: url, error: error)
            }
        case .grayscalePixels(let width, let height, let pixels):
            hash = try reference.contentHash()
            let file = assets?.appendingPathComponent(AssetName.fileName(for: id, position: position) + ".png")
            path = file?.path
            encoded = {
                let image = EncodedImage(data: try PNGEncoder.encode(pixels: pixels, width: width, height: height, bands: 1), name: id)
                if let file { try image.data.write(to: file, options: .atomic) }
                return image
            }
        }
    }
}

/// An image given by URL that could not be downloaded.
struct RemoteImageFailure: Error, CustomStringConvertible {
    /// The image's URL.
    let url: URL
    /// Why the download failed.
    let error: RemoteFetchError

    var description: String { "image \(url.absoluteString): \(error)" }
}

/// Safe file names for product ids.
enum AssetName {
    /// The id with anything but letters, digits, '-', '_' and '.' replaced by '_'.
    static func fileName(for id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" })
    }

    /// The file name of image `position` of `id` (0: the primary image, named as `fileName(for:)`; "@n" after it
    /// for the others, a character no id's name keeps).
    static func fileName(for id: String, position: Int) -> String {
        position == 0 ? fileName(for: id) : fileName(for: id) + "@\(position)"
    }
}

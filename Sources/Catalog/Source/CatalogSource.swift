import Foundation

/// Something that lists catalog items: a folder of photos, a Kaggle export, a manifest, a shop's product feed,
/// Fashion-MNIST.
public protocol CatalogSource: Sendable {
    /// A short description for logs and import runs, e.g. "Kaggle styles.csv in /data/fashion".
    var description: String { get }
    /// Enumerates the items lazily, in a deterministic order; items that cannot be read come out as problems.
    ///
    /// Throws only when nothing can be listed at all (missing file, wrong header, unreadable IDX file).
    func items() throws -> AnySequence<SourceEntry>
}

/// One thing a source found: an item to index, or a problem to report before going on.
public enum SourceEntry: Sendable, Hashable {
    /// An item with an image.
    case item(SourceItem)
    /// Something that could not be turned into an item.
    case problem(SourceProblem)
}

/// An item listed by a source, not yet embedded.
public struct SourceItem: Sendable, Hashable {
    /// Stable id of the product.
    public var id: String
    /// Display title.
    public var title: String
    /// Attributes (empty values already dropped).
    public var attributes: [String: String]
    /// Where its pixels come from: the primary image, the one the item is embedded from.
    public var image: ImageReference
    /// The item's other photos (a feed's `additional_image_link`, a shop's gallery), in the source's order
    /// (positions 1, 2, …); empty for sources with one image per item. The import embeds each of them too.
    public var additionalImages: [ImageReference]
    /// Where the source lists it, for messages ("manifest.csv line 12"); nil when the id says it all.
    public var location: String?

    /// Creates an item.
    public init(id: String, title: String, attributes: [String: String], image: ImageReference,
                additionalImages: [ImageReference] = [], location: String? = nil) {
        self.id = id
        self.title = title
        self.attributes = attributes
        self.image = image
        self.additionalImages = additionalImages
        self.location = location
    }
}

/// Where an item's image is: a file, an http(s) URL, or raw 8-bit grayscale pixels (Fashion-MNIST).
public enum ImageReference: Sendable, Hashable {
    /// An image file to decode.
    case file(URL)
    /// An image on a web server (a feed's `image_link`); the import reads local files only and fails such items.
    case remote(URL)
    /// Row-major 8-bit grayscale pixels, `width * height` bytes.
    case grayscalePixels(width: Int, height: Int, pixels: [UInt8])

    /// The SHA-256 hex of the image content (file bytes, or the size and pixels).
    public func contentHash() throws -> String {
        switch self {
        case let .file(url):
            return try ContentHash.hex(ofFile: url)
        case let .remote(url):
            throw ImageReferenceError.remote(url)
        case let .grayscalePixels(width, height, pixels):
            var hasher = SHA256Hasher()
            hasher.update(Array("gray8 \(width)x\(height)\n".utf8))
            hasher.update(pixels)
            return ContentHash.hex(hasher.finalize())
        }
    }

    /// The file path, for `.file` references.
    public var filePath: String? {
        if case let .file(url) = self { return url.path }
        return nil
    }
}

/// Why an image reference cannot be read.
public enum ImageReferenceError: Error, CustomStringConvertible, Equatable {
    /// The image is on a web server; imports read local image files only.
    case remote(URL)

    /// A message written for the person running the import.
    public var description: String {
        switch self {
        case let .remote(url):
            return "remote images (\(url.absoluteString)) are not supported; download them and list the local paths"
        }
    }
}

/// An entry a source could not turn into an item; the import reports it and goes on.
public struct SourceProblem: Sendable, Hashable, CustomStringConvertible {
    /// The item: its id, or a location such as "styles.csv line 17".
    public var item: String
    /// What is wrong, e.g. "expected 10 fields, found 7".
    public var reason: String

    /// Creates a problem.
    public init(item: String, reason: String) {
        self.item = item
        self.reason = reason
    }

    /// "item: reason", e.g. "styles.csv line 17: expected 10 fields, found 7".
    public var description: String { "\(item): \(reason)" }
}

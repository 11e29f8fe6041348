/// One of a product's images beyond its primary one (a feed's `additional_image_link`, a shop's gallery):
/// embedded like the primary image, so a search finds the product by whichever of its images looks most
/// like the query.
public struct ProductPhoto: Sendable, Hashable, Codable {
    /// The image's place among the product's images: 1 for the first additional image, 2 for the next…
    /// (0 is the primary image, `Product.imagePath`). Numbers follow the source's order and stay put when
    /// an image before them could not be read.
    public var position: Int
    /// Where the image file is.
    public var imagePath: String?
    /// SHA-256 hex of the image bytes: an image whose hash is unchanged is not embedded again.
    public var contentHash: String?

    /// Creates an additional image.
    public init(position: Int, imagePath: String?, contentHash: String?) {
        self.position = position
        self.imagePath = imagePath
        self.contentHash = contentHash
    }
}

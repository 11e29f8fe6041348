import Catalog
import Imaging

extension SourceItem {
    /// The item's image as encoded bytes: the file's, or pixel-only items (Fashion-MNIST) encoded as PNG;
    /// a remote image throws `ImageReferenceError.remote`.
    public func encodedImage(limits: ImageLimits) throws -> EncodedImage {
        switch image {
        case .file(let url):
            return try EncodedImage(contentsOf: url, limits: limits)
        case .remote(let url):
            throw ImageReferenceError.remote(url)
        case .grayscalePixels(let width, let height, let pixels):
            return EncodedImage(data: try PNGEncoder.encode(pixels: pixels, width: width, height: height, bands: 1), name: id)
        }
    }
}

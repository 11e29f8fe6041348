import Embedding
import Imaging

/// A deterministic stand-in for the model, for tests that are about the catalog, the service, the routes
/// or the commands and not about the model: an image's vector is its 8 × 8 colour thumbnail, centred and
/// scaled to unit length (192 values). The same image always gives the same vector, an image's own copy is
/// its nearest neighbour, and nothing is compiled, so such tests start at once.
///
/// Photo cleanup keeps the photo as it is (one view); item signatures are the 32 × 32 grey thumbnail of the
/// whole image, centred and unit length; heat maps are not made (nil).
public struct PixelEmbedder: ImageEmbedder {
    public let name = "pixel-thumbnail"
    public let modelKey = "pixel-thumbnail/8x8-rgb@1"
    public let dimension = 8 * 8 * 3
    public let options: EmbedderOptions
    public let precision = Precision.f32
    public let descriptorSummary = "8 × 8 colour thumbnail"
    private let decoder: ImageDecoder

    /// A fake model with `options`' image limits.
    public init(options: EmbedderOptions = .init()) {
        self.options = options
        decoder = ImageDecoder(limits: options.limits)
    }

    public func decode(_ image: EncodedImage, region: CropRegion?) throws -> RGBImage {
        try decoder.decode(image, width: 8, height: 8, fit: .stretch, background: (255, 255, 255), region: region)
    }

    public func decodeWhole(_ image: EncodedImage, width: Int, height: Int, fit: Fit, background: (UInt8, UInt8, UInt8),
                            region: CropRegion?) throws -> RGBImage {
        try decoder.decode(image, width: width, height: height, fit: fit, background: background, region: region)
    }

    public func embed(_ images: [RGBImage]) throws -> [[Float]] {
        images.map { Self.unit($0.pixels.map { Float($0) - 127.5 }) }
    }

    public func cleanedQuery(_ image: EncodedImage, look: CatalogLook, cleanup: PhotoCleanup, region: CropRegion?)
        throws -> (views: [RGBImage], signatures: [[Float]]?) {
        let signatures = try cleanup.verify ? productSignature(image, region: region).map { [$0] } ?? [] : nil
        return ([try decode(image, region: region)], signatures)
    }

    public func productSignature(_ image: EncodedImage, region: CropRegion?) throws -> [Float]? {
        let grey = try decodeWhole(image, width: ItemSignature.side, height: ItemSignature.side, fit: .stretch,
                                   background: (255, 255, 255), region: region)
        return Self.unit(stride(from: 0, to: grey.pixels.count, by: 3).map { Float(grey.pixels[$0]) - 127.5 })
    }

    public func heatMaps(_ images: [EncodedImage], query: [Float]) throws -> [HeatMap?] {
        images.map { _ in nil }
    }

    /// `values` scaled to unit length (a blank image: a fixed unit vector, so every vector is valid).
    private static func unit(_ values: [Float]) -> [Float] {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return [1] + [Float](repeating: 0, count: values.count - 1) }
        return values.map { $0 / norm }
    }
}

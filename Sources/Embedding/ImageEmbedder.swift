import Imaging

/// What the query pipeline and the import need from a model: decode an image for it, turn decoded images
/// into unit vectors, clean a shopper's photo up into views, and explain a match. `Embedder` (an ONNX model
/// on OpenVINO) is the product's; tests that are not about the model use a deterministic fake
/// (`EmbeddingTesting.PixelEmbedder`), so they run without compiling one.
public protocol ImageEmbedder: Sendable {
    /// The model's name, for people.
    var name: String { get }
    /// Tags every stored vector: another model (or pooling, layers, weights) never mixes vector spaces.
    var modelKey: String { get }
    /// Length of the vectors.
    var dimension: Int { get }
    /// How the model was loaded (limits on images, batch size, catalog mirroring).
    var options: EmbedderOptions { get }
    /// The precision inference runs in.
    var precision: Precision { get }
    /// How the vectors are made, for people.
    var descriptorSummary: String { get }

    /// Decodes an image and fits it to the model's input (or a `region` of it).
    func decode(_ image: EncodedImage, region: CropRegion?) throws -> RGBImage
    /// Decodes an image (or `region` of it) into any size and fit, e.g. a small copy for analysis.
    func decodeWhole(_ image: EncodedImage, width: Int, height: Int, fit: Fit, background: (UInt8, UInt8, UInt8),
                     region: CropRegion?) throws -> RGBImage
    /// Unit vectors of decoded images (at the model's input size), one model call for the batch.
    func embed(_ images: [RGBImage]) throws -> [[Float]]
    /// A shopper's photo as the views to embed (their mean is the query), and with verification, the item
    /// signatures of the garment the photo shows.
    func cleanedQuery(_ image: EncodedImage, look: CatalogLook, cleanup: PhotoCleanup, region: CropRegion?)
        throws -> (views: [RGBImage], signatures: [[Float]]?)
    /// A catalog image's item signature (exact-item verification), nil when no garment is found.
    func productSignature(_ image: EncodedImage, region: CropRegion?) throws -> [Float]?
    /// "Why it matched": where each image is most like `query`; nil for an image that cannot be explained.
    func heatMaps(_ images: [EncodedImage], query: [Float]) throws -> [HeatMap?]
}

extension ImageEmbedder {
    /// Decodes a whole image and fits it to the model's input.
    public func decode(_ image: EncodedImage) throws -> RGBImage { try decode(image, region: nil) }

    /// A catalog image's item signature (exact-item verification), from the whole image.
    public func productSignature(_ image: EncodedImage) throws -> [Float]? { try productSignature(image, region: nil) }

    /// The normalised mean of unit vectors.
    public func meanVector(of vectors: [[Float]]) -> [Float] {
        guard var mean = vectors.first else { return [] }
        for vector in vectors.dropFirst() { for i in mean.indices { mean[i] += vector[i] } }
        l2Normalize(&mean)
        return mean
    }

    /// Embeds images, each as the normalised mean of its own and its mirror image's vectors when `mirrorAveraged`
    /// (one batch of twice the images).
    public func embed(_ images: [RGBImage], mirrorAveraged: Bool) throws -> [[Float]] {
        guard mirrorAveraged else { return try embed(images) }
        let vectors = try embed(images + images.map { $0.mirrored() })
        return (0..<images.count).map { meanVector(of: [vectors[$0], vectors[images.count + $0]]) }
    }

    /// Embeds catalog images the way the catalog stores them: mirror-averaged when `options.mirrorCatalog`.
    public func embedCatalog(_ images: [RGBImage]) throws -> [[Float]] {
        try embed(images, mirrorAveraged: options.mirrorCatalog)
    }
}

extension Embedder: ImageEmbedder {
    /// The manifest's model name.
    public var name: String { manifest.name }
}

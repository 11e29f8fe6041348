/// What an image's header says, read without decoding its pixels.
public struct ImageInfo: Sendable, Equatable {
    /// Stored width in pixels (before EXIF rotation).
    public let width: Int
    /// Stored height in pixels (before EXIF rotation).
    public let height: Int
    /// Bands (channels), alpha included.
    public let bands: Int
    /// Pages or frames (GIF, TIFF, HEIF).
    public let pages: Int
    /// Bits per sample: 8 or 16 for most photos.
    public let bitsPerSample: Int
    /// EXIF orientation 1…8 (1 when absent).
    public let orientation: Int
    /// The file format, e.g. "jpeg", "png", "webp", "gif", "tiff", "heif".
    public let format: String
    /// The colour interpretation, e.g. "srgb", "cmyk", "b-w", "rgb16".
    public let interpretation: String

    /// Whether width and height swap when the image is shown upright.
    public var isTransposed: Bool { orientation >= 5 && orientation <= 8 }
}

/// Caps applied before any pixel is decoded, so hostile or oversized input costs little memory.
public struct ImageLimits: Sendable, Equatable {
    /// Largest accepted encoded size in bytes.
    public var maxBytes: Int
    /// Largest accepted width × height, read from the header.
    public var maxPixels: Int

    /// Creates limits; the defaults accept any phone or catalog photo (up to 100 megapixels, 50 MB).
    public init(maxBytes: Int = 50_000_000, maxPixels: Int = 100_000_000) {
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
    }

    /// The defaults.
    public static let standard = ImageLimits()
}

/// Decoded 8-bit sRGB pixels, interleaved R, G, B, row by row.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// width × height × 3 bytes.
    public let pixels: [UInt8]

    /// Wraps pixels; `pixels.count` must equal width × height × 3.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGBImage: pixel count does not match its size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The colour of one pixel.
    public func pixel(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }
}

/// How an image is fitted into a fixed output size.
public enum Fit: String, Sendable, Codable, CaseIterable {
    /// Scale to cover the output, then cut the centre (no borders, edges lost).
    case crop
    /// Scale to fit inside the output, then pad with a background colour (nothing lost).
    case pad
    /// Scale each axis separately (aspect ratio lost).
    case stretch
}

/// A rectangle of the upright image in fractions of its width and height (0…1).
public struct CropRegion: Sendable, Hashable, Codable {
    /// Left edge, 0…1.
    public var left: Double
    /// Top edge, 0…1.
    public var top: Double
    /// Width, 0…1.
    public var width: Double
    /// Height, 0…1.
    public var height: Double

    /// The whole image.
    public static let whole = CropRegion(unchecked: 0, 0, 1, 1)

    private init(unchecked left: Double, _ top: Double, _ width: Double, _ height: Double) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
    }

    /// Creates a region, checking that it has area and lies within the image.
    public init(left: Double, top: Double, width: Double, height: Double) throws {
        let values = [left, top, width, height]
        guard values.allSatisfy({ $0.isFinite }) else { throw ImagingError.invalidRegion("values must be numbers") }
        guard left >= 0, top >= 0, left < 1, top < 1 else {
            throw ImagingError.invalidRegion("left and top must be in 0…1 (got \(left), \(top))")
        }
        guard width > 0, height > 0 else { throw ImagingError.invalidRegion("width and height must be above 0") }
        guard left + width <= 1.0001, top + height <= 1.0001 else {
            throw ImagingError.invalidRegion("the region reaches past the image's right or bottom edge")
        }
        self.left = left
        self.top = top
        self.width = min(width, 1 - left)
        self.height = min(height, 1 - top)
    }
}

import Imaging

/// What a catalog's product photos look like, sampled from a few of them: greyscale or colour, and
/// the uniform background they are shot on, if there is one. Query cleanup makes a shopper's photo
/// look like that (`PhotoCleanup`).
public struct CatalogLook: Sendable, Equatable, Codable {
    /// Every sampled product image is grey (R = G = B within a small tolerance).
    public var greyscale: Bool
    /// The background colour the products are shot on (RGB), nil when backgrounds vary.
    public var background: [UInt8]?
    /// Images sampled.
    public var sampled: Int

    /// A look with the given properties.
    public init(greyscale: Bool, background: [UInt8]?, sampled: Int) {
        self.greyscale = greyscale
        self.background = background
        self.sampled = sampled
    }

    /// Nothing known: colour, no uniform background.
    public static let unknown = CatalogLook(greyscale: false, background: nil, sampled: 0)

    /// Samples decoded product images (any size; 32 × 32 is plenty).
    public static func sample(_ images: [RGBImage]) -> CatalogLook {
        guard !images.isEmpty else { return .unknown }
        var grey = 0
        var ring: [[Int]] = []
        for image in images {
            let n = image.width * image.height
            var colourful = 0
            for i in 0..<n {
                let r = Int(image.pixels[3 * i]), g = Int(image.pixels[3 * i + 1]), b = Int(image.pixels[3 * i + 2])
                if abs(r - g) > 8 || abs(g - b) > 8 { colourful += 1 }
            }
            if colourful * 50 <= n { grey += 1 }
            ring += BorderRing(image).colours
        }
        // One background colour when most of the images' outer rings have it (products may touch the frame).
        let all = BorderRing(colours: ring)
        let background = all.isUniform(near: all.median) ? all.median.map { UInt8(clamping: $0) } : nil
        return CatalogLook(greyscale: grey == images.count, background: background, sampled: images.count)
    }
}

/// The outer ring of pixels of an image (4 % of its shorter side, at least 1 pixel).
struct BorderRing {
    let colours: [[Int]]

    init(colours: [[Int]]) { self.colours = colours }

    init(_ image: RGBImage) {
        colours = BorderRing.indices(width: image.width, height: image.height).map { i in
            [Int(image.pixels[3 * i]), Int(image.pixels[3 * i + 1]), Int(image.pixels[3 * i + 2])]
        }
    }

    /// Row-major indices of the ring's pixels in a width × height image, row by row.
    static func indices(width: Int, height: Int) -> [Int] {
        let r = max(1, Int((0.04 * Double(min(width, height))).rounded()))
        var indices: [Int] = []
        for y in 0..<height { for x in 0..<width where y < r || y >= height - r || x < r || x >= width - r { indices.append(y * width + x) } }
        return indices
    }

    /// Three in four ring pixels lie within 24 of `colour` in every channel (a product may touch the frame).
    func isUniform(near colour: [Int]) -> Bool {
        let near = colours.filter { c in (0..<3).allSatisfy { abs(c[$0] - colour[$0]) <= 24 } }.count
        return !colours.isEmpty && near * 4 >= colours.count * 3
    }

    /// Per-channel median.
    var median: [Int] {
        guard !colours.isEmpty else { return [0, 0, 0] }
        return (0..<3).map { channel in colours.map { $0[channel] }.sorted()[colours.count / 2] }
    }
}

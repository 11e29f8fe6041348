import Foundation
import Imaging

/// An exact-item fingerprint of a product's look: its outline and grey pattern, cut to its bounding box and
/// letterboxed into 32 × 32, with the mean taken off and scaled to unit length, so the dot product of two
/// signatures is their normalised cross-correlation (NCC).
///
/// The catalog stores one per product (`index --item-signatures`, computed from the product image); a shopper's
/// photo gives one per trial angle (the garment found by `ItemMask`, turned by −24…24°, grey levels stretched).
/// `verify` in a photo query adds the best NCC over the angles to each product's cosine: the model's features tell
/// a T-shirt from a dress, the signature tells one T-shirt from its near-twins (see README, shopper photos).
public enum ItemSignature {
    /// Side of the thumbnail; a signature has side × side values.
    public static let side = 32
    /// Length of a signature.
    public static let dimension = side * side
    /// Angles (degrees) a photo's garment is turned by to meet the upright product.
    static let angles: [Double] = [-24, -16, -8, 0, 8, 16, 24]
    /// Longer side of the garment's cut-out before turning it.
    static let cutSide = 96

    /// The signature of a whole product image: the product is what differs from the border's median colour by
    /// more than 12 in some channel, specks removed (opened by a radius-1 disc), the largest blob with its holes
    /// filled. Nil when nothing differs (a blank image).
    public static func ofProduct(_ image: RGBImage) -> [Float]? {
        let w = image.width, h = image.height
        let background = BorderRing(image).median
        var differs = [Bool](repeating: false, count: w * h)
        for i in 0..<(w * h) {
            differs[i] = (0..<3).contains { abs(Int(image.pixels[3 * i + $0]) - background[$0]) > 12 }
        }
        let opened = ItemMask.dilate(ItemMask.erode(differs, w, h, radius: 1), w, h, radius: 1)
        let (labels, sizes) = ItemMask.components(opened, w, h)
        guard let largest = sizes.indices.dropFirst().max(by: { sizes[$0] < sizes[$1] }) else { return nil }
        let inside = ItemMask.fillHoles(labels.map { Int($0) == largest }, w, h)
        return letterboxed(grey: Plane(grey: image), mask: Plane(width: w, height: h, values: inside.map { $0 ? 1 : 0 }))
    }

    /// What a catalog stores for a product without a signature (a blank image): zeros, which verification treats as none.
    public static var blank: [Float] { [Float](repeating: 0, count: dimension) }

    /// Longer side of the copy a product image is decoded to for its signature (the whole image, its own aspect).
    static let productSide = 128

    /// The signatures of the garment in a photo, one per trial angle; empty when no garment is found.
    /// `photo` is the decoded photo, `mask` found on a small copy of it.
    static func ofPhoto(_ photo: RGBImage, mask: ItemMask) -> [[Float]] {
        let box = (x: mask.box.left * Double(photo.width), y: mask.box.top * Double(photo.height),
                   width: (mask.box.right - mask.box.left) * Double(photo.width), height: (mask.box.bottom - mask.box.top) * Double(photo.height))
        guard box.width >= 2, box.height >= 2 else { return [] }
        let scale = Double(cutSide) / max(box.width, box.height)
        let w = max(2, Int((box.width * scale).rounded())), h = max(2, Int((box.height * scale).rounded()))
        var grey = Plane(grey: photo.resampled(rect: box, width: w, height: h))
        var values = [Float](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            values[y * w + x] = mask.value(atX: mask.box.left + (Double(x) + 0.5) / Double(w) * (mask.box.right - mask.box.left),
                                           y: mask.box.top + (Double(y) + 0.5) / Double(h) * (mask.box.bottom - mask.box.top))
        } }
        let garment = Plane(width: w, height: h, values: values)
        grey.stretch(where: garment)
        return angles.compactMap { angle in
            letterboxed(grey: grey.rotated(degrees: angle), mask: garment.rotated(degrees: angle))
        }
    }

    /// grey × mask cut to the mask's box (> 0.5), its longer side scaled to `side`, centred on zeros; the mean
    /// taken off, unit length. Nil when the mask is (nearly) empty or the result flat.
    static func letterboxed(grey: Plane, mask: Plane) -> [Float]? {
        guard let box = PixelOps.boundingBox(width: mask.width, height: mask.height, where: { mask.values[$0] > 0.5 }),
              (box.maxX - box.minX + 1) * (box.maxY - box.minY + 1) >= 4 else { return nil }
        let bw = box.maxX - box.minX + 1, bh = box.maxY - box.minY + 1
        let scale = Double(side) / Double(max(bw, bh))
        let w = max(1, Int((Double(bw) * scale).rounded())), h = max(1, Int((Double(bh) * scale).rounded()))
        let rect = (x: Double(box.minX), y: Double(box.minY), width: Double(bw), height: Double(bh))
        let g = grey.resampled(rect: rect, width: w, height: h), m = mask.resampled(rect: rect, width: w, height: h)
        var out = [Float](repeating: 0, count: dimension)
        let ox = (side - w) / 2, oy = (side - h) / 2
        for y in 0..<h { for x in 0..<w { out[(oy + y) * side + ox + x] = g.values[y * w + x] * m.values[y * w + x] } }
        let mean = out.reduce(0, +) / Float(dimension)
        for i in out.indices { out[i] -= mean }
        let norm = out.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 1e-6 else { return nil }
        return out.map { $0 / norm }
    }
}

/// One channel of floats, row-major: what signatures are cut, turned and scaled in.
struct Plane {
    let width: Int, height: Int
    var values: [Float]

    init(width: Int, height: Int, values: [Float]) {
        self.width = width
        self.height = height
        self.values = values
    }

    /// The luma (0.299 R + 0.587 G + 0.114 B) of an image.
    init(grey image: RGBImage) {
        self.init(width: image.width, height: image.height, values: (0..<(image.width * image.height)).map { i in
            PixelOps.lumaValue(image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2])
        })
    }

    /// Bilinear value at a point in pixel coordinates (pixel centres at +0.5); 0 outside.
    func sample(_ x: Double, _ y: Double) -> Float {
        let fx = x - 0.5, fy = y - 0.5
        let x0 = Int(fx.rounded(.down)), y0 = Int(fy.rounded(.down))
        let ax = Float(fx - Double(x0)), ay = Float(fy - Double(y0))
        func at(_ x: Int, _ y: Int) -> Float { x >= 0 && y >= 0 && x < width && y < height ? values[y * width + x] : 0 }
        return (at(x0, y0) * (1 - ax) + at(x0 + 1, y0) * ax) * (1 - ay) + (at(x0, y0 + 1) * (1 - ax) + at(x0 + 1, y0 + 1) * ax) * ay
    }

    /// `rect` resampled to w × h: bilinear taps averaged over each output pixel's footprint (no aliasing when shrinking).
    func resampled(rect: (x: Double, y: Double, width: Double, height: Double), width w: Int, height h: Int) -> Plane {
        let sx = rect.width / Double(w), sy = rect.height / Double(h)
        let nx = max(1, Int(sx.rounded(.up))), ny = max(1, Int(sy.rounded(.up)))
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            var sum: Float = 0
            for ty in 0..<ny { for tx in 0..<nx {
                sum += sample(rect.x + (Double(x) + (Double(tx) + 0.5) / Double(nx)) * sx,
                              rect.y + (Double(y) + (Double(ty) + 0.5) / Double(ny)) * sy)
            } }
            out[y * w + x] = sum / Float(nx * ny)
        } }
        return Plane(width: w, height: h, values: out)
    }

    /// Turned by `degrees` about the centre onto a canvas that holds all of it (zeros around).
    func rotated(degrees: Double) -> Plane {
        guard degrees != 0 else { return self }
        let a = degrees * .pi / 180, c = cos(a), s = sin(a)
        let w = Int((abs(Double(width) * c) + abs(Double(height) * s)).rounded(.up))
        let h = Int((abs(Double(width) * s) + abs(Double(height) * c)).rounded(.up))
        let cx = Double(width) / 2, cy = Double(height) / 2, ocx = Double(w) / 2, ocy = Double(h) / 2
        var out = [Float](repeating: 0, count: w * h)
        for y in 0..<h { for x in 0..<w {
            let dx = Double(x) + 0.5 - ocx, dy = Double(y) + 0.5 - ocy
            out[y * w + x] = sample(cx + c * dx - s * dy, cy + s * dx + c * dy)
        } }
        return Plane(width: w, height: h, values: out)
    }

    /// Grey levels where `mask` > 0.5 stretched so their 1st…99th percentiles span 0…255 (clipped).
    mutating func stretch(where mask: Plane) {
        let inside = values.indices.filter { mask.values[$0] > 0.5 }.map { values[$0] }.sorted()
        guard inside.count >= 4 else { return }
        let lo = inside[Int(0.01 * Double(inside.count - 1))], hi = inside[Int(0.99 * Double(inside.count - 1))]
        let range = max(hi - lo, 1)
        values = values.map { min(255, max(0, ($0 - lo) / range * 255)) }
    }
}

extension Embedder {
    /// The item signature of a catalog product's image, from the whole image at its own aspect (not the model's
    /// crop); nil for a blank image.
    public func productSignature(_ image: EncodedImage, region: CropRegion? = nil) throws -> [Float]? {
        let info = try info(of: image)
        var (w, h) = info.isTransposed ? (Double(info.height), Double(info.width)) : (Double(info.width), Double(info.height))
        if let region { w *= region.width; h *= region.height }
        let scale = Double(ItemSignature.productSide) / max(w, h, 1)
        return ItemSignature.ofProduct(try decodeWhole(image, width: max(8, Int((w * scale).rounded())), height: max(8, Int((h * scale).rounded())),
                                                       fit: .stretch, background: (0, 0, 0), region: region))
    }
}

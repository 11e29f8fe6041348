import Imaging

/// Boxes on a decoded upright photo in its pixels, and how they map to the model's input.
struct PhotoGeometry {
    /// Upright photo size.
    let width: Int, height: Int
    /// Model input size.
    let inputWidth: Int, inputHeight: Int

    /// A box in photo pixels (it may reach past the photo's edges).
    struct Box {
        var left: Double, top: Double, width: Double, height: Double
    }

    /// The box of the model's aspect around a box given in fractions, grown by `margin` on every side.
    func square(around fractions: (left: Double, top: Double, right: Double, bottom: Double), margin: Double) -> Box {
        let l = fractions.left * Double(width), r = fractions.right * Double(width)
        let t = fractions.top * Double(height), b = fractions.bottom * Double(height)
        return aspectBox(centreX: (l + r) / 2, centreY: (t + b) / 2, width: (r - l) * (1 + 2 * margin), height: (b - t) * (1 + 2 * margin))
    }

    /// The smallest box of the model's aspect holding width × height around a centre, no larger than the photo's longer side.
    func aspectBox(centreX: Double, centreY: Double, width w: Double, height h: Double) -> Box {
        let aspect = Double(inputWidth) / Double(inputHeight)
        var bw = max(w, h * aspect, 1)
        bw = min(bw, Double(max(width, height)))
        let bh = bw / aspect
        return Box(left: centreX - bw / 2, top: centreY - bh / 2, width: bw, height: bh)
    }

    /// Where output pixel (x, y) of a cut of `box` lies on the photo, in fractions.
    func fraction(ofOutputX x: Int, y: Int, box: Box) -> (Double, Double) {
        ((box.left + (Double(x) + 0.5) / Double(inputWidth) * box.width) / Double(width),
         (box.top + (Double(y) + 0.5) / Double(inputHeight) * box.height) / Double(height))
    }

    /// The model input showing `box` of the decoded photo; parts of the box beyond the photo are `background`.
    func cut(_ photo: RGBImage, box: Box, background: (UInt8, UInt8, UInt8)) -> RGBImage {
        photo.resampled(rect: (box.left, box.top, box.width, box.height), width: inputWidth, height: inputHeight, background: background)
    }

    /// The box around the feature-map cells of the letterboxed photo that fire at least half as much as
    /// the strongest (cells that are mostly padding ignored), grown by half a cell; nil for a flat map.
    func salientBox(_ map: FeatureMap) -> Box? {
        let cells = map.width * map.height
        var energy = [Float](repeating: 0, count: cells)
        for c in 0..<map.channels { for s in 0..<cells { energy[s] += map.values[c * cells + s] } }
        let scale = min(Double(inputWidth) / Double(width), Double(inputHeight) / Double(height))
        let shownW = Double(width) * scale, shownH = Double(height) * scale
        let x0 = (Double(inputWidth) - shownW) / 2, y0 = (Double(inputHeight) - shownH) / 2
        let cellW = Double(inputWidth) / Double(map.width), cellH = Double(inputHeight) / Double(map.height)
        for y in 0..<map.height { for x in 0..<map.width {
            let cx = (Double(x) + 0.5) * cellW, cy = (Double(y) + 0.5) * cellH
            if cx < x0 || cx > x0 + shownW || cy < y0 || cy > y0 + shownH { energy[y * map.width + x] = 0 }
        } }
        guard let top = energy.max(), top > 0 else { return nil }
        guard let (minX, minY, maxX, maxY) = PixelOps.boundingBox(width: map.width, height: map.height, where: { energy[$0] >= 0.5 * top })
        else { return nil }
        // Input pixels → photo pixels.
        let l = ((Double(minX) - 0.5) * cellW - x0) / scale, r = ((Double(maxX) + 1.5) * cellW - x0) / scale
        let t = ((Double(minY) - 0.5) * cellH - y0) / scale, b = ((Double(maxY) + 1.5) * cellH - y0) / scale
        return aspectBox(centreX: (l + r) / 2, centreY: (t + b) / 2, width: r - l, height: b - t)
    }
}

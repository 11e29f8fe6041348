import Imaging

/// Where the product is in a photo, found without the model: the photo's border colours are taken as
/// background (k-means on the outer ring), pixels far from all of them are the product; the largest
/// connected blob, with its holes filled, is the mask.
///
/// Computed on a small copy of the photo (`side` × `side`, stretched); `box` is in fractions of the
/// upright photo.
struct ItemMask {
    /// Mask size (the small copy's).
    let width: Int, height: Int
    /// width × height, row-major: true on the product.
    let inside: [Bool]
    /// The blob's bounding box in fractions of the photo: left, top, right, bottom.
    let box: (left: Double, top: Double, right: Double, bottom: Double)

    /// The mask of `small`, or nil when no blob of at least 0.2 % of the photo stands out.
    static func find(in small: RGBImage, clusters k: Int = 6) -> ItemMask? {
        let w = small.width, h = small.height, n = w * h
        let blurred = boxBlur(small)
        let ring = BorderRing(RGBImage(width: w, height: h, pixels: blurred.map { UInt8(clamping: Int($0.rounded())) })).colours
            .map { $0.map(Float.init) }
        guard ring.count >= k else { return nil }
        // k-means on the ring, started from brightness quantiles (deterministic).
        let byBrightness = ring.sorted { $0.reduce(0, +) < $1.reduce(0, +) }
        var centres = (0..<k).map { byBrightness[Int(Double($0) * Double(ring.count - 1) / Double(k - 1))] }
        func nearest(_ r: Float, _ g: Float, _ b: Float) -> (index: Int, distance: Float) {
            var best = (0, Float.infinity)
            for j in 0..<k {
                let c = centres[j]
                let d = (r - c[0]) * (r - c[0]) + (g - c[1]) * (g - c[1]) + (b - c[2]) * (b - c[2])
                if d < best.1 { best = (j, d) }
            }
            return (best.0, best.1.squareRoot())
        }
        for _ in 0..<8 {
            var sums = [[Float]](repeating: [0, 0, 0], count: k), counts = [Int](repeating: 0, count: k)
            for c in ring {
                let j = nearest(c[0], c[1], c[2]).index
                counts[j] += 1
                for ch in 0..<3 { sums[j][ch] += c[ch] }
            }
            for j in 0..<k where counts[j] > 0 { centres[j] = sums[j].map { $0 / Float(counts[j]) } }
        }
        let ringDistances = ring.map { nearest($0[0], $0[1], $0[2]).distance }.sorted()
        let threshold = max(30, 1.5 * ringDistances[min(ringDistances.count - 1, Int(0.99 * Double(ringDistances.count)))])
        var foreground = [Bool](repeating: false, count: n)
        for i in 0..<n {
            foreground[i] = nearest(blurred[3 * i], blurred[3 * i + 1], blurred[3 * i + 2]).distance > threshold
        }
        foreground = dilate(erode(foreground, w, h, radius: 1), w, h, radius: 2)
        guard let blob = largestComponent(foreground, w, h), blob.filter({ $0 }).count * 500 >= n else { return nil }
        let filled = fillHoles(blob, w, h)
        var (minX, minY, maxX, maxY) = (w, h, -1, -1)
        for y in 0..<h { for x in 0..<w where filled[y * w + x] {
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        } }
        return ItemMask(width: w, height: h, inside: filled,
                        box: (Double(minX) / Double(w), Double(minY) / Double(h), Double(maxX + 1) / Double(w), Double(maxY + 1) / Double(h)))
    }

    /// The mask's value (0…1, bilinear) at a point given in fractions of the photo.
    func value(atX fx: Double, y fy: Double) -> Float {
        let x = fx * Double(width) - 0.5, y = fy * Double(height) - 0.5
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let ax = Float(x - Double(x0)), ay = Float(y - Double(y0))
        func at(_ x: Int, _ y: Int) -> Float {
            (x >= 0 && y >= 0 && x < width && y < height && inside[y * width + x]) ? 1 : 0
        }
        return (at(x0, y0) * (1 - ax) + at(x0 + 1, y0) * ax) * (1 - ay) + (at(x0, y0 + 1) * (1 - ax) + at(x0 + 1, y0 + 1) * ax) * ay
    }

    /// A 3 × 3 box blur of the colours (as floats), so noise does not read as product.
    private static func boxBlur(_ image: RGBImage) -> [Float] {
        let w = image.width, h = image.height
        var out = [Float](repeating: 0, count: w * h * 3)
        for y in 0..<h { for x in 0..<w {
            var sum: (Float, Float, Float) = (0, 0, 0), count: Float = 0
            for dy in -1...1 { for dx in -1...1 {
                let xx = x + dx, yy = y + dy
                guard xx >= 0, yy >= 0, xx < w, yy < h else { continue }
                let j = (yy * w + xx) * 3
                sum.0 += Float(image.pixels[j]); sum.1 += Float(image.pixels[j + 1]); sum.2 += Float(image.pixels[j + 2]); count += 1
            } }
            let i = (y * w + x) * 3
            out[i] = sum.0 / count; out[i + 1] = sum.1 / count; out[i + 2] = sum.2 / count
        } }
        return out
    }

    private static func erode(_ m: [Bool], _ w: Int, _ h: Int, radius r: Int) -> [Bool] { morph(m, w, h, r, all: true) }
    private static func dilate(_ m: [Bool], _ w: Int, _ h: Int, radius r: Int) -> [Bool] { morph(m, w, h, r, all: false) }

    /// Erosion (`all`: every pixel of the square window set) or dilation (any set); outside counts as unset.
    private static func morph(_ m: [Bool], _ w: Int, _ h: Int, _ r: Int, all: Bool) -> [Bool] {
        var out = [Bool](repeating: false, count: m.count)
        for y in 0..<h { for x in 0..<w {
            var result = all
            scan: for dy in -r...r { for dx in -r...r {
                let xx = x + dx, yy = y + dy
                let v = xx >= 0 && yy >= 0 && xx < w && yy < h && m[yy * w + xx]
                if all && !v { result = false; break scan }
                if !all && v { result = true; break scan }
            } }
            out[y * w + x] = result
        } }
        return out
    }

    /// The largest 4-connected set pixel group.
    private static func largestComponent(_ m: [Bool], _ w: Int, _ h: Int) -> [Bool]? {
        var label = [Int32](repeating: 0, count: m.count)
        var best: (label: Int32, size: Int) = (0, 0)
        var next: Int32 = 1
        var stack: [Int] = []
        for start in m.indices where m[start] && label[start] == 0 {
            var size = 0
            label[start] = next
            stack.append(start)
            while let i = stack.popLast() {
                size += 1
                let x = i % w, y = i / w
                for (xx, yy) in [(x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)] where xx >= 0 && yy >= 0 && xx < w && yy < h {
                    let j = yy * w + xx
                    if m[j] && label[j] == 0 { label[j] = next; stack.append(j) }
                }
            }
            if size > best.size { best = (next, size) }
            next += 1
        }
        guard best.size > 0 else { return nil }
        return label.map { $0 == best.label }
    }

    /// Sets every pixel that a fill from the frame cannot reach without crossing the blob.
    private static func fillHoles(_ m: [Bool], _ w: Int, _ h: Int) -> [Bool] {
        var outside = [Bool](repeating: false, count: m.count)
        var stack: [Int] = []
        for x in 0..<w { stack += [x, (h - 1) * w + x] }
        for y in 0..<h { stack += [y * w, y * w + w - 1] }
        while let i = stack.popLast() {
            guard !m[i], !outside[i] else { continue }
            outside[i] = true
            let x = i % w, y = i / w
            if x > 0 { stack.append(i - 1) }
            if x < w - 1 { stack.append(i + 1) }
            if y > 0 { stack.append(i - w) }
            if y < h - 1 { stack.append(i + w) }
        }
        return outside.map { !$0 }
    }
}

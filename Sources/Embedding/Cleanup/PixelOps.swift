import Imaging

/// Small pixel operations of the query cleanup.
enum PixelOps {
    /// Rec. 601 luma of each pixel, copied to all three channels.
    static func grey(_ image: RGBImage) -> RGBImage {
        var out = image.pixels
        for i in stride(from: 0, to: out.count, by: 3) {
            let y = luma(out[i], out[i + 1], out[i + 2])
            out[i] = y; out[i + 1] = y; out[i + 2] = y
        }
        return RGBImage(width: image.width, height: image.height, pixels: out)
    }

    static func luma(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        UInt8(clamping: Int(lumaValue(r, g, b).rounded()))
    }

    /// Rec. 601 luma, unrounded.
    static func lumaValue(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Float {
        0.299 * Float(r) + 0.587 * Float(g) + 0.114 * Float(b)
    }

    /// The smallest box (inclusive pixel bounds) holding every pixel of a width × height grid that `isSet` accepts
    /// (by row-major index), or nil when none is.
    static func boundingBox(width: Int, height: Int, where isSet: (Int) -> Bool) -> (minX: Int, minY: Int, maxX: Int, maxY: Int)? {
        var (minX, minY, maxX, maxY) = (width, height, -1, -1)
        for y in 0..<height { for x in 0..<width where isSet(y * width + x) {
            minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
        } }
        return maxX >= minX ? (minX, minY, maxX, maxY) : nil
    }

    /// Keeps what `mask` (0…1 per output pixel) covers and paints the rest `background`; with `grey`, the kept
    /// part becomes grey with its levels stretched the way catalog shots look (1st–99th percentile onto
    /// 40…255 on a dark background, 0…215 on a light one).
    static func isolate(_ image: RGBImage, mask: (Int, Int) -> Float, background: (UInt8, UInt8, UInt8), grey: Bool) -> RGBImage {
        let n = image.width * image.height
        var weights = [Float](repeating: 0, count: n)
        for y in 0..<image.height { for x in 0..<image.width { weights[y * image.width + x] = mask(x, y) } }
        var low: Float = 0, high: Float = 255
        let dark = (Int(background.0) + Int(background.1) + Int(background.2)) < 384
        if grey {
            var levels: [UInt8] = []
            for i in 0..<n where weights[i] > 0.5 { levels.append(luma(image.pixels[3 * i], image.pixels[3 * i + 1], image.pixels[3 * i + 2])) }
            levels.sort()
            if levels.count >= 10 {
                low = Float(levels[levels.count / 100]); high = Float(levels[levels.count * 99 / 100])
            }
        }
        let (to0, to1): (Float, Float) = dark ? (40, 255) : (0, 215)
        var out = image.pixels
        for i in 0..<n {
            let w = weights[i]
            var colour = (Float(out[3 * i]), Float(out[3 * i + 1]), Float(out[3 * i + 2]))
            if grey {
                let y = Float(luma(out[3 * i], out[3 * i + 1], out[3 * i + 2]))
                let stretched = Swift.min(255, Swift.max(0, (y - low) / Swift.max(high - low, 1) * (to1 - to0) + to0))
                colour = (stretched, stretched, stretched)
            }
            let bg = (Float(background.0), Float(background.1), Float(background.2))
            out[3 * i] = UInt8(clamping: Int((colour.0 * w + bg.0 * (1 - w)).rounded()))
            out[3 * i + 1] = UInt8(clamping: Int((colour.1 * w + bg.1 * (1 - w)).rounded()))
            out[3 * i + 2] = UInt8(clamping: Int((colour.2 * w + bg.2 * (1 - w)).rounded()))
        }
        return RGBImage(width: image.width, height: image.height, pixels: out)
    }
}

extension RGBImage {
    /// The image mirrored left to right (flip test-time augmentation).
    public func mirrored() -> RGBImage {
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                let from = (y * width + (width - 1 - x)) * 3, to = (y * width + x) * 3
                out[to] = pixels[from]; out[to + 1] = pixels[from + 1]; out[to + 2] = pixels[from + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }

    /// The part of this image inside `rect` (in this image's pixels; it may reach past the edges, which
    /// are painted `background`), resampled to `width` × `height` with bilinear taps averaged over each
    /// output pixel's footprint (so shrinking does not alias).
    public func resampled(rect: (x: Double, y: Double, width: Double, height: Double), width outW: Int, height outH: Int,
                          background: (UInt8, UInt8, UInt8) = (0, 0, 0)) -> RGBImage {
        precondition(outW > 0 && outH > 0, "resampled: empty output")
        let xs = Taps(start: rect.x, step: rect.width / Double(outW), count: outW, limit: width)
        let ys = Taps(start: rect.y, step: rect.height / Double(outH), count: outH, limit: height)
        let bg = [Float(background.0), Float(background.1), Float(background.2)]
        let perPixel = Float(xs.perOutput * ys.perOutput)
        var out = [UInt8](repeating: 0, count: outW * outH * 3)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                var sum: (Float, Float, Float) = (0, 0, 0)
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        sum = (0, 0, 0)
                        for ty in (oy * ys.perOutput)..<((oy + 1) * ys.perOutput) {
                            let y0 = ys.first[ty], y1 = ys.second[ty], ay = ys.weight[ty]
                            for tx in (ox * xs.perOutput)..<((ox + 1) * xs.perOutput) {
                                let x0 = xs.first[tx], x1 = xs.second[tx], ax = xs.weight[tx]
                                guard x0 >= 0, y0 >= 0 else {
                                    sum.0 += bg[0]; sum.1 += bg[1]; sum.2 += bg[2]
                                    continue
                                }
                                let a = (y0 * width + x0) * 3, b = (y0 * width + x1) * 3
                                let c = (y1 * width + x0) * 3, d = (y1 * width + x1) * 3
                                let wa = (1 - ax) * (1 - ay), wb = ax * (1 - ay), wc = (1 - ax) * ay, wd = ax * ay
                                sum.0 += Float(src[a]) * wa + Float(src[b]) * wb + Float(src[c]) * wc + Float(src[d]) * wd
                                sum.1 += Float(src[a + 1]) * wa + Float(src[b + 1]) * wb + Float(src[c + 1]) * wc + Float(src[d + 1]) * wd
                                sum.2 += Float(src[a + 2]) * wa + Float(src[b + 2]) * wb + Float(src[c + 2]) * wc + Float(src[d + 2]) * wd
                            }
                        }
                        let i = (oy * outW + ox) * 3
                        dst[i] = UInt8(clamping: Int(sum.0 / perPixel + 0.5))
                        dst[i + 1] = UInt8(clamping: Int(sum.1 / perPixel + 0.5))
                        dst[i + 2] = UInt8(clamping: Int(sum.2 / perPixel + 0.5))
                    }
                }
            }
        }
        return RGBImage(width: outW, height: outH, pixels: out)
    }
}

/// Where the bilinear taps of one axis fall: for tap t, source pixels `first[t]` and `second[t]` mixed by
/// `weight[t]`; `first[t]` is -1 for a tap outside the image (background).
private struct Taps {
    let perOutput: Int
    var first: [Int] = [], second: [Int] = []
    var weight: [Float] = []

    init(start: Double, step: Double, count: Int, limit: Int) {
        perOutput = max(1, Int(step.rounded(.up)))
        for o in 0..<count {
            for t in 0..<perOutput {
                let p = start + (Double(o) + (Double(t) + 0.5) / Double(perOutput)) * step - 0.5
                if p < -0.5 || p > Double(limit) - 0.5 {
                    first.append(-1); second.append(-1); weight.append(0)
                    continue
                }
                let clamped = min(max(p, 0), Double(limit - 1))
                let i = Int(clamped)
                first.append(i)
                second.append(min(i + 1, limit - 1))
                weight.append(Float(clamped - Double(i)))
            }
        }
    }
}

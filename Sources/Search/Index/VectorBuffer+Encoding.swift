import Catalog
import Foundation

extension VectorBuffer {
    /// Appends `count` rows of `dimension` floats from `rows`, encoding them on all cores when there are many.
    mutating func append(rows: UnsafePointer<Float>, count: Int) {
        guard count > 0 else { return }
        let first = rowCount
        switch storage {
        case .float32: floats.append(contentsOf: repeatElement(0, count: count * stride))
        case .float16: halves.append(contentsOf: repeatElement(0, count: count * stride))
        case .int8:
            bytes.append(contentsOf: repeatElement(0, count: count * stride))
            scales.append(contentsOf: repeatElement(0, count: count))
        }
        squaredNorms.append(contentsOf: repeatElement(0, count: count))
        rowCount += count
        let parts = count * dimension >= 1 << 20 ? ProcessInfo.processInfo.activeProcessorCount * 4 : 1
        let (storage, dimension, rowBytes) = (self.storage, self.dimension, self.stride * self.storage.bytesPerValue)
        withMutablePointers { values, scales, norms in
            parallelParts(parts) { part in
                for row in Swift.stride(from: part, to: count, by: parts) {
                    let target = first + row
                    norms[target] = Self.encode(rows + row * dimension, storage: storage, dimension: dimension,
                                                into: values + target * rowBytes, scale: scales.map { $0 + target })
                }
            }
        }
    }

    /// Calls `body` with the row bytes, the int8 scales (nil for other storages) and the norms.
    private mutating func withMutablePointers(
        _ body: (UnsafeMutableRawPointer, UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>) -> Void
    ) {
        squaredNorms.withUnsafeMutableBufferPointer { norms in
            guard let norms = norms.baseAddress else { return }
            switch storage {
            case .float32:
                floats.withUnsafeMutableBytes { if let base = $0.baseAddress { body(base, nil, norms) } }
            case .float16:
                halves.withUnsafeMutableBytes { if let base = $0.baseAddress { body(base, nil, norms) } }
            case .int8:
                bytes.withUnsafeMutableBytes { values in
                    scales.withUnsafeMutableBufferPointer { scales in
                        if let base = values.baseAddress { body(base, scales.baseAddress, norms) }
                    }
                }
            }
        }
    }

    /// Encodes one row into `target` (padding already zero); returns ‖stored row‖².
    private static func encode(_ source: UnsafePointer<Float>, storage: VectorStorage, dimension: Int,
                               into target: UnsafeMutableRawPointer, scale: UnsafeMutablePointer<Float>?) -> Float {
        var norm: Float = 0
        switch storage {
        case .float32:
            let floats = target.assumingMemoryBound(to: Float.self)
            for index in 0 ..< dimension {
                floats[index] = source[index]
                norm += source[index] * source[index]
            }
        case .float16:
            let halves = target.assumingMemoryBound(to: UInt16.self)
            for index in 0 ..< dimension {
                let half = Self.storedHalf(source[index])
                halves[index] = half
                let decoded = Self.float(fromStoredHalf: half)
                norm += decoded * decoded
            }
        case .int8:
            var largest: Float = 0
            for index in 0 ..< dimension { largest = max(largest, abs(source[index])) }
            let rowScale = largest > 0 && largest.isFinite ? largest / 127 : 0
            let levels = target.assumingMemoryBound(to: Int8.self)
            var sum: Float = 0
            for index in 0 ..< dimension {
                let level = Self.level(source[index], scale: rowScale)
                levels[index] = level
                sum += Float(level) * Float(level)
            }
            scale?.pointee = rowScale
            norm = sum * rowScale * rowScale
        }
        return norm
    }

    /// `value / scale` rounded to −127…127 (0 when the scale is 0).
    @inline(__always)
    static func level(_ value: Float, scale: Float) -> Int8 {
        guard scale > 0, value.isFinite else { return 0 }
        // Adding and removing 1.5 · 2^23 rounds to nearest even without a libm call (|x| ≤ 127 here).
        let scaled = max(-127, min(127, value / scale))
        return Int8((scaled + 12_582_912) - 12_582_912)
    }

    /// The half stored for `value`: clamped to ±65504, with subnormals rounded to 0 or ±2^-14
    /// (the f16 kernel relies on rows holding no subnormal halves); NaN is stored as 0.
    @inline(__always)
    static func storedHalf(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let magnitude = bits & 0x7fff_ffff
        if magnitude >= 0x3880_0000 && magnitude < 0x477f_f000 {
            // Normal half after rounding: rebias the exponent, round to nearest even, keep 10 mantissa bits.
            let rounded = (magnitude &- 0x3800_0000 &+ 0xfff &+ ((magnitude >> 13) & 1)) >> 13
            return UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000) | UInt16(truncatingIfNeeded: rounded)
        }
        let half = Float16Codec.halfBits(max(-Float16Codec.maximum, min(Float16Codec.maximum, value.isNaN ? 0 : value)))
        guard half & 0x7c00 == 0 else { return half }
        return (half & 0x8000) | (half & 0x3ff >= 0x200 ? 0x0400 : 0)
    }

    /// The value of a stored half (never subnormal, never infinite).
    @inline(__always)
    static func float(fromStoredHalf half: UInt16) -> Float {
        let magnitude = Float(bitPattern: UInt32(half & 0x7fff) << 13) * 0x1p112
        return half & 0x8000 == 0 ? magnitude : -magnitude
    }
}

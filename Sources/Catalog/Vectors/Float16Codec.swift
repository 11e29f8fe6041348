import Foundation

/// Converts vectors to and from the stored blob format: little-endian IEEE 754 half floats.
///
/// Written with integer arithmetic rather than `Float16` so it behaves the same on every
/// platform (`Float16` is unavailable on Intel Macs) and rounds to nearest, ties to even.
public enum Float16Codec {
    /// Largest finite half-float value.
    public static let maximum: Float = 65504

    /// The half-float bit pattern nearest to `value` (overflow → ±infinity).
    public static func halfBits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xff)
        var mantissa = bits & 0x7f_ffff
        if exponent == 0xff { return sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0) }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1f { return sign | 0x7c00 }
        if halfExponent <= 0 {
            // Subnormal half (or zero): value = m · 2^-24.
            if halfExponent < -10 { return sign }
            mantissa |= 0x80_0000
            let shift = UInt32(14 - halfExponent)
            var half = mantissa >> shift
            let rest = mantissa & ((1 << shift) - 1)
            let midpoint = UInt32(1) << (shift - 1)
            if rest > midpoint || (rest == midpoint && half & 1 == 1) { half += 1 }
            return sign | UInt16(truncatingIfNeeded: half)
        }
        var half = UInt32(halfExponent) << 10 | (mantissa >> 13)
        let rest = mantissa & 0x1fff
        if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) { half += 1 }  // a carry rolls into the exponent, as it should
        return sign | UInt16(truncatingIfNeeded: half)
    }

    /// The Float value of a half-float bit pattern (exact).
    @inline(__always)
    public static func float(fromHalfBits half: UInt16) -> Float {
        let sign = UInt32(half & 0x8000) << 16
        if half & 0x7c00 == 0x7c00 {
            return Float(bitPattern: sign | 0x7f80_0000 | (UInt32(half & 0x3ff) << 13))
        }
        // Shifting exponent and mantissa into place gives value · 2^-112, exact for subnormals too.
        let magnitude = Float(bitPattern: UInt32(half & 0x7fff) << 13) * 0x1p112
        return sign == 0 ? magnitude : -magnitude
    }

    /// Encodes a vector as a blob of `2 * vector.count` bytes.
    public static func encode(_ vector: [Float]) -> Data {
        var data = Data(count: vector.count * 2)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in vector.enumerated() {
                raw.storeBytes(of: halfBits(value).littleEndian, toByteOffset: index * 2, as: UInt16.self)
            }
        }
        return data
    }

    /// Every half-float bit pattern's Float value (256 KiB), so decoding is one table load per value.
    static let table: [Float] = (0 ... UInt16.max).map(float(fromHalfBits:))

    /// Decodes `count` half floats from `bytes` into `destination`.
    static func decode(_ bytes: UnsafeRawBufferPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        precondition(bytes.count >= count * 2, "Float16Codec.decode: blob too short")
        guard let source = bytes.baseAddress else { return }
        table.withUnsafeBufferPointer { table in
            guard let values = table.baseAddress else { return }
            for index in 0 ..< count {
                let half = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self))
                destination[index] = values[Int(half)]
            }
        }
    }

    /// Decodes a whole blob into a new array.
    public static func decode(_ data: Data) -> [Float] {
        let count = data.count / 2
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                if let base = buffer.baseAddress { decode(raw, count: count, into: base) }
            }
            initialized = count
        }
    }
}

/// SIMD dot products between a prepared query and one stored row; `count` is a multiple of 64.
///
/// Only same-width SIMD operations are used: Swift lowers those to vector instructions, while its
/// width-changing conversions (e.g. `SIMD16<Int32>(truncatingIfNeeded: SIMD16<Int16>)`) become calls.
/// Hence the bit tricks below, and queries laid out to match them (`VectorBuffer.prepare`).
enum DotKernels {
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>, _ offset: Int) -> SIMD16<Float> {
        UnsafeRawPointer(pointer + offset).loadUnaligned(as: SIMD16<Float>.self)
    }

    /// Plain float dot product.
    @inline(__always)
    static func float32(_ query: UnsafePointer<Float>, _ row: UnsafePointer<Float>, count: Int) -> Float {
        var sum0 = SIMD16<Float>(), sum1 = SIMD16<Float>()
        var index = 0
        while index < count {
            sum0 += load(query, index) * load(row, index)
            sum1 += load(query, index &+ 16) * load(row, index &+ 16)
            index &+= 32
        }
        return (sum0 + sum1).sum()
    }

    /// Half-float row: 32 halves are read as 16 Int32 lanes holding an even and an odd half each.
    /// `(bits << 13) & 0x8FFFE000` of a sign-extended half is the float `value · 2^-112` (exact,
    /// as rows hold no subnormal halves), so the query is pre-scaled by 2^112 and split into
    /// even/odd halves per block of 32.
    @inline(__always)
    static func float16(_ query: UnsafePointer<Float>, _ row: UnsafeRawPointer, count: Int) -> Float {
        var sum0 = SIMD16<Float>(), sum1 = SIMD16<Float>()
        let mask = SIMD16<Int32>(repeating: Int32(bitPattern: 0x8FFF_E000))
        var index = 0
        while index < count {
            let words = row.loadUnaligned(fromByteOffset: index &* 2, as: SIMD16<Int32>.self)
            let even = ((words &<< 16) &>> 3) & mask
            let odd = (words &>> 3) & mask
            sum0 += load(query, index) * unsafeBitCast(even, to: SIMD16<Float>.self)
            sum1 += load(query, index &+ 16) * unsafeBitCast(odd, to: SIMD16<Float>.self)
            index &+= 32
        }
        return (sum0 + sum1).sum()
    }

    /// Int8 row stored biased (`value + 128` as a byte): 64 bytes are read as 16 UInt32 lanes, byte b of
    /// each lane becomes the float `2^23 + byte` by OR-ing the exponent in, minus `2^23 + 128` gives the
    /// value exactly. The query is laid out per block of 64 as four groups of 16 (byte 0s, 1s, 2s, 3s).
    @inline(__always)
    static func int8(_ query: UnsafePointer<Float>, _ row: UnsafeRawPointer, count: Int) -> Float {
        var sum0 = SIMD16<Float>(), sum1 = SIMD16<Float>()
        let low = SIMD16<UInt32>(repeating: 0xFF)
        let exponent = SIMD16<UInt32>(repeating: 0x4B00_0000)
        let bias = SIMD16<Float>(repeating: 8_388_608 + 128)
        var index = 0
        while index < count {
            let words = row.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt32>.self)
            let byte0 = unsafeBitCast((words & low) | exponent, to: SIMD16<Float>.self) - bias
            let byte1 = unsafeBitCast(((words &>> 8) & low) | exponent, to: SIMD16<Float>.self) - bias
            let byte2 = unsafeBitCast(((words &>> 16) & low) | exponent, to: SIMD16<Float>.self) - bias
            let byte3 = unsafeBitCast((words &>> 24) | exponent, to: SIMD16<Float>.self) - bias
            sum0 += load(query, index) * byte0
            sum1 += load(query, index &+ 16) * byte1
            sum0 += load(query, index &+ 32) * byte2
            sum1 += load(query, index &+ 48) * byte3
            index &+= 64
        }
        return (sum0 + sum1).sum()
    }
}

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

    /// Int8 row · int8 query in integers: 32 bytes are read as 16 Int16 lanes holding an even and an odd
    /// byte each, sign-extended by shifts, multiplied in 16 bits (|product| ≤ 127² fits), the even and odd
    /// products added (≤ 2·127², still fits) and widened to Int32 by shifts before accumulating. The
    /// query is laid out per block of 32 as 16 Int16 for the even bytes, then 16 for the odd ones.
    @inline(__always)
    static func int8(_ query: UnsafeRawPointer, _ row: UnsafeRawPointer, count: Int) -> Int32 {
        var sum0 = SIMD8<Int32>(), sum1 = SIMD8<Int32>()
        var index = 0
        while index < count {
            let words = row.loadUnaligned(fromByteOffset: index, as: SIMD16<Int16>.self)
            let even = (words &<< 8) &>> 8
            let odd = words &>> 8
            let queryEven = query.loadUnaligned(fromByteOffset: index &* 2, as: SIMD16<Int16>.self)
            let queryOdd = query.loadUnaligned(fromByteOffset: index &* 2 &+ 32, as: SIMD16<Int16>.self)
            let pairs = unsafeBitCast(even &* queryEven &+ odd &* queryOdd, to: SIMD8<Int32>.self)
            sum0 &+= (pairs &<< 16) &>> 16
            sum1 &+= pairs &>> 16
            index &+= 32
        }
        return (sum0 &+ sum1).wrappedSum()
    }
}

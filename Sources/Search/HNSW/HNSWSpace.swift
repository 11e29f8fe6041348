import Catalog

/// Dot products over one storage of stored rows: against a prepared query, or between two stored rows.
/// One type per storage so each graph walk is a specialised loop (no dynamic dispatch per row).
protocol HNSWSpace {
    /// Dot product of a query prepared by `VectorBuffer.prepare` with stored row `row`.
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float
    /// Dot product of two stored rows.
    func dot(_ a: Int, _ b: Int) -> Float
    /// Dot products of a prepared query with four stored rows at once (four memory streams in flight).
    func dot4(_ rows: SIMD4<Int>, _ query: UnsafePointer<Float>) -> SIMD4<Float>
}

@inline(__always)
private func load8(_ pointer: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(pointer + offset).loadUnaligned(as: SIMD8<Float>.self)
}

/// Float32 rows, `stride` floats each (zero padded).
struct HNSWFloat32Space: HNSWSpace {
    let base: UnsafePointer<Float>
    let stride: Int

    @inline(__always)
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float {
        #if DEBUG
        return scalarDot(query, base + row &* stride, count: stride)
        #else
        return DotKernels.float32(query, base + row &* stride, count: stride)
        #endif
    }

    @inline(__always)
    func dot(_ a: Int, _ b: Int) -> Float {
        #if DEBUG
        return scalarDot(base + a &* stride, base + b &* stride, count: stride)
        #else
        return DotKernels.float32(base + a &* stride, base + b &* stride, count: stride)
        #endif
    }

    @inline(__always)
    func dot4(_ rows: SIMD4<Int>, _ query: UnsafePointer<Float>) -> SIMD4<Float> {
        #if DEBUG
        return SIMD4(dot(rows[0], query), dot(rows[1], query), dot(rows[2], query), dot(rows[3], query))
        #else
        let row0 = base + rows[0] &* stride, row1 = base + rows[1] &* stride
        let row2 = base + rows[2] &* stride, row3 = base + rows[3] &* stride
        var sum0 = SIMD8<Float>(), sum1 = SIMD8<Float>(), sum2 = SIMD8<Float>(), sum3 = SIMD8<Float>()
        var index = 0
        while index < stride {
            let value = load8(query, index)
            sum0 += value * load8(row0, index)
            sum1 += value * load8(row1, index)
            sum2 += value * load8(row2, index)
            sum3 += value * load8(row3, index)
            index &+= 8
        }
        return SIMD4(sum0.sum(), sum1.sum(), sum2.sum(), sum3.sum())
        #endif
    }
}

/// IEEE half rows, `stride` halves each (zero padded, no subnormals: see `VectorBuffer.storedHalf`).
struct HNSWFloat16Space: HNSWSpace {
    let base: UnsafeRawPointer
    let stride: Int

    @inline(__always)
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float {
        #if DEBUG
        // The query is scaled by 2^112 and laid out per block of 32 as 16 evens then 16 odds.
        let halves = (base + row &* stride &* 2).assumingMemoryBound(to: UInt16.self)
        var sum: Float = 0
        for index in 0 ..< stride {
            let block = index & ~31, within = index & 31
            sum += Float16Codec.float(fromHalfBits: halves[index]) * query[block + (within & 1) * 16 + within >> 1]
        }
        return sum * 0x1p-112
        #else
        return DotKernels.float16(query, base + row &* stride &* 2, count: stride)
        #endif
    }

    @inline(__always)
    func dot(_ a: Int, _ b: Int) -> Float {
        #if DEBUG
        let first = (base + a &* stride &* 2).assumingMemoryBound(to: UInt16.self)
        let second = (base + b &* stride &* 2).assumingMemoryBound(to: UInt16.self)
        var sum: Float = 0
        for index in 0 ..< stride {
            sum += Float16Codec.float(fromHalfBits: first[index]) * Float16Codec.float(fromHalfBits: second[index])
        }
        return sum
        #else
        return Self.halfDot(base + a &* stride &* 2, base + b &* stride &* 2, count: stride)
        #endif
    }

    /// Four rows, 16 halves per step; the query is laid out per block of 32 as 16 evens then 16 odds
    /// (`VectorBuffer.prepare`), so halves 0–15 of a block use query[0..<8] and [16..<24], 16–31 the rest.
    @inline(__always)
    func dot4(_ rows: SIMD4<Int>, _ query: UnsafePointer<Float>) -> SIMD4<Float> {
        #if DEBUG
        return SIMD4(dot(rows[0], query), dot(rows[1], query), dot(rows[2], query), dot(rows[3], query))
        #else
        let row0 = base + rows[0] &* stride &* 2, row1 = base + rows[1] &* stride &* 2
        let row2 = base + rows[2] &* stride &* 2, row3 = base + rows[3] &* stride &* 2
        var sum0 = SIMD8<Float>(), sum1 = SIMD8<Float>(), sum2 = SIMD8<Float>(), sum3 = SIMD8<Float>()
        let mask = SIMD8<Int32>(repeating: Int32(bitPattern: 0x8FFF_E000))
        @inline(__always)
        func widen(_ row: UnsafeRawPointer, _ index: Int) -> (SIMD8<Float>, SIMD8<Float>) {
            let words = row.loadUnaligned(fromByteOffset: index &* 2, as: SIMD8<Int32>.self)
            return (unsafeBitCast(((words &<< 16) &>> 3) & mask, to: SIMD8<Float>.self),
                    unsafeBitCast((words &>> 3) & mask, to: SIMD8<Float>.self))
        }
        var index = 0
        while index < stride {
            let block = index & ~31, part = (index & 16) &>> 1
            let even = load8(query, block &+ part), odd = load8(query, block &+ 16 &+ part)
            let (even0, odd0) = widen(row0, index)
            sum0 += even * even0 + odd * odd0
            let (even1, odd1) = widen(row1, index)
            sum1 += even * even1 + odd * odd1
            let (even2, odd2) = widen(row2, index)
            sum2 += even * even2 + odd * odd2
            let (even3, odd3) = widen(row3, index)
            sum3 += even * even3 + odd * odd3
            index &+= 16
        }
        return SIMD4(sum0.sum(), sum1.sum(), sum2.sum(), sum3.sum())
        #endif
    }

    /// Half · half, both widened with the bit trick of `DotKernels.float16` (value · 2^-112) and rescaled
    /// by 2^112 (exact), so small products do not fall into float subnormals.
    @inline(__always)
    static func halfDot(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Float {
        var sum0 = SIMD16<Float>(), sum1 = SIMD16<Float>()
        let mask = SIMD16<Int32>(repeating: Int32(bitPattern: 0x8FFF_E000))
        let scale = SIMD16<Float>(repeating: 0x1p112)
        var index = 0
        while index < count {
            let wordsA = a.loadUnaligned(fromByteOffset: index &* 2, as: SIMD16<Int32>.self)
            let wordsB = b.loadUnaligned(fromByteOffset: index &* 2, as: SIMD16<Int32>.self)
            let evenA = unsafeBitCast(((wordsA &<< 16) &>> 3) & mask, to: SIMD16<Float>.self) * scale
            let oddA = unsafeBitCast((wordsA &>> 3) & mask, to: SIMD16<Float>.self) * scale
            let evenB = unsafeBitCast(((wordsB &<< 16) &>> 3) & mask, to: SIMD16<Float>.self) * scale
            let oddB = unsafeBitCast((wordsB &>> 3) & mask, to: SIMD16<Float>.self) * scale
            sum0 += evenA * evenB
            sum1 += oddA * oddB
            index &+= 32
        }
        return (sum0 + sum1).sum()
    }
}

/// Distances (lower is nearer) from dot products: cosine `−dot`; euclidean the squared L2 distance
/// computed as `‖q‖² − (2·dot − ‖x‖²)`, the same rounding as `ExactIndex`.
struct HNSWMeasure<Space: HNSWSpace> {
    let space: Space
    /// ‖row‖² per row (euclidean only, else nil).
    let squaredNorms: UnsafePointer<Float>?

    /// Distance from a prepared query (with ‖query‖² `queryNorm`) to stored row `row`.
    @inline(__always)
    func distance(_ row: Int, _ query: UnsafePointer<Float>, _ queryNorm: Float) -> Float {
        let dot = space.dot(row, query)
        guard let norms = squaredNorms else { return -dot }
        return queryNorm - (2 * dot - norms[row])
    }

    /// Distances from a prepared query to four stored rows.
    @inline(__always)
    func distance4(_ rows: SIMD4<Int>, _ query: UnsafePointer<Float>, _ queryNorm: Float) -> SIMD4<Float> {
        let dots = space.dot4(rows, query)
        guard let norms = squaredNorms else { return -dots }
        let rowNorms = SIMD4(norms[rows[0]], norms[rows[1]], norms[rows[2]], norms[rows[3]])
        return SIMD4(repeating: queryNorm) - (2 * dots - rowNorms)
    }

    /// Distance between two stored rows.
    @inline(__always)
    func distance(_ a: Int, _ b: Int) -> Float {
        let dot = space.dot(a, b)
        guard let norms = squaredNorms else { return -dot }
        return norms[a] - (2 * dot - norms[b])
    }
}

#if DEBUG
/// Unoptimised builds (tests) use scalar loops: without optimisation Swift's SIMD types cost a call per
/// operation and are ~10× slower than plain floats. Release builds use the SIMD kernels.
@inline(__always)
func scalarDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var sum0: Float = 0, sum1: Float = 0, sum2: Float = 0, sum3: Float = 0
    var index = 0
    while index < count {
        sum0 += a[index] * b[index]
        sum1 += a[index + 1] * b[index + 1]
        sum2 += a[index + 2] * b[index + 2]
        sum3 += a[index + 3] * b[index + 3]
        index += 4
    }
    return (sum0 + sum1) + (sum2 + sum3)
}
#endif

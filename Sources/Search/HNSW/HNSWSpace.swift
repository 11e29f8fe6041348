import Catalog
import VectorKernels

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

/// Float32 rows, `stride` floats each (zero padded). The products are the C kernels of `VectorKernels`
/// (AVX-512 or AVX2 with FMA, chosen when the library loads): Swift's own SIMD code is limited to SSE2.
struct HNSWFloat32Space: HNSWSpace {
    let base: UnsafePointer<Float>
    let stride: Int

    @inline(__always)
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float {
        lk_dot_f32(query, base + row &* stride, stride)
    }

    @inline(__always)
    func dot(_ a: Int, _ b: Int) -> Float {
        lk_dot_f32(base + a &* stride, base + b &* stride, stride)
    }

    @inline(__always)
    func dot4(_ rows: SIMD4<Int>, _ query: UnsafePointer<Float>) -> SIMD4<Float> {
        var out = SIMD4<Float>()
        withUnsafeMutableBytes(of: &out) { raw in
            lk_dot4_f32(query, base + rows[0] &* stride, base + rows[1] &* stride, base + rows[2] &* stride,
                        base + rows[3] &* stride, stride, raw.baseAddress?.assumingMemoryBound(to: Float.self))
        }
        return out
    }
}

/// IEEE half rows, `stride` halves each (zero padded, no subnormals: see `VectorBuffer.storedHalf`).
/// Query products take the query as `VectorBuffer.prepare` lays it out (scaled by 2^112, per block of 32
/// the 16 evens then the 16 odds); row · row products widen both rows. C kernels, as `HNSWFloat32Space`.
struct HNSWFloat16Space: HNSWSpace {
    let base: UnsafeRawPointer
    let stride: Int

    @inline(__always)
    func row(_ row: Int) -> UnsafePointer<UInt16> {
        (base + row &* stride &* 2).assumingMemoryBound(to: UInt16.self)
    }

    @inline(__always)
    func dot(_ row: Int, _ query: UnsafePointer<Float>) -> Float {
        lk_dot_f16q(query, self.row(row), stride)
    }

    @inline(__always)
    func dot(_ a: Int, _ b: Int) -> Float {
        lk_dot_f16(row(a), row(b), stride)
    }

    @inline(__always)
    func dot4(_ rows: SIMD4<Int>, _ query: UnsafePointer<Float>) -> SIMD4<Float> {
        var out = SIMD4<Float>()
        withUnsafeMutableBytes(of: &out) { raw in
            lk_dot4_f16q(query, row(rows[0]), row(rows[1]), row(rows[2]), row(rows[3]), stride,
                         raw.baseAddress?.assumingMemoryBound(to: Float.self))
        }
        return out
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

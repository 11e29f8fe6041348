import CLinearAlgebra

/// Dense row-major matrix arithmetic over OpenBLAS and LAPACK, for fitting tuned similarity.
enum LinearAlgebra {
    /// A·B, Aᵀ·B or A·Bᵀ for row-major Float matrices: A is m×k (k×m when `transposeA`), B is k×n (n×k when
    /// `transposeB`); returns m×n.
    static func multiply(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, transposeA: Bool = false, transposeB: Bool = false) -> [Float] {
        precondition(a.count == m * k && b.count == k * n, "matrix sizes do not match")
        var c = [Float](repeating: 0, count: m * n)
        guard m > 0, n > 0, k > 0 else { return c }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), 1, pa.baseAddress, Int32(transposeA ? m : k),
                                pb.baseAddress, Int32(transposeB ? k : n), 0, pc.baseAddress, Int32(n))
                }
            }
        }
        return c
    }

    /// (rows − mean) · projection for `count` row-major rows of length `d`; `projection` is d × n. The learned
    /// linear maps (within-class whitening, PCA-whitening) apply themselves to whole tables with this.
    static func centredProduct(_ rows: [Float], count: Int, mean: [Float], projection: [Float], d: Int, n: Int) -> [Float] {
        var centred = rows
        for r in 0..<count { for j in 0..<d { centred[r * d + j] -= mean[j] } }
        return multiply(centred, projection, m: count, k: d, n: n)
    }

    /// Eigenvalues (ascending) and eigenvectors (column j of the row-major n×n result belongs to value j)
    /// of a symmetric n×n matrix.
    static func symmetricEigen(_ matrix: [Double], n: Int) throws -> (values: [Double], vectors: [Double]) {
        precondition(matrix.count == n * n, "matrix is not n×n")
        var a = matrix
        var values = [Double](repeating: 0, count: n)
        let info = a.withUnsafeMutableBufferPointer { pa in
            values.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                               Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
            }
        }
        guard info == 0 else { throw TuningError.numerical("the eigen decomposition failed (LAPACK info \(info))") }
        return (values, a)
    }
}

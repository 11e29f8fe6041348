/// PCA-whitening learned from the catalog's vectors alone (no labels): y = L2(diag(λ^-1/2) Vᵀ(x − μ)),
/// keeping the `dimensions` leading principal directions. Every kept direction gets unit variance, so
/// rare visual traits weigh as much as the dominant ones (Jégou & Chum, "Negative evidences and
/// co-occurrences in image retrieval", 2012).
public struct PCAWhitening: VectorProjection {
    /// Input length.
    public let inputDimension: Int
    /// Output length.
    public let outputDimension: Int
    /// Mean of the catalog vectors.
    let mean: [Float]
    /// inputDimension × outputDimension, row-major.
    let projection: [Float]

    /// Fits on `count` row-major vectors of length `dimension`.
    public init(vectors: [Float], count: Int, dimension d: Int, dimensions: Int) throws {
        guard dimensions >= 1, dimensions <= d else { throw TuningError.notEnoughData("PCA-whitening to \(dimensions) of \(d) dimensions") }
        guard vectors.count == count * d, count > dimensions else {
            throw TuningError.notEnoughData("\(count) vectors are too few for PCA-whitening to \(dimensions) dimensions")
        }
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<count { for j in 0..<d { mean[j] += Double(vectors[r * d + j]) } }
        for j in 0..<d { mean[j] /= Double(count) }
        var centred = vectors
        for r in 0..<count { for j in 0..<d { centred[r * d + j] -= Float(mean[j]) } }
        let covariance = LinearAlgebra.multiply(centred, centred, m: d, k: count, n: d, transposeA: true)
        centred = []
        let (values, eigenvectors) = try LinearAlgebra.symmetricEigen(covariance.map { Double($0) / Double(count) }, n: d)
        // Directions of (numerically) no variance would be blown up by λ^-1/2: floor λ at 1e-6 of the largest.
        let floor = (values.last ?? 0) * 1e-6
        guard floor > 0 else { throw TuningError.numerical("the catalog vectors do not vary") }
        var projection = [Float](repeating: 0, count: d * dimensions)  // columns d-1, d-2, … (descending variance)
        for j in 0..<dimensions {
            let column = d - 1 - j, scale = 1 / Swift.max(values[column], floor).squareRoot()
            for i in 0..<d { projection[i * dimensions + j] = Float(eigenvectors[i * d + column] * scale) }
        }
        self.inputDimension = d
        self.outputDimension = dimensions
        self.mean = mean.map { Float($0) }
        self.projection = projection
    }

    public func project(_ x: [Float]) -> [Float] {
        project(rows: x, count: 1)
    }

    public func project(rows: [Float], count: Int) -> [Float] {
        precondition(rows.count == count * inputDimension, "rows hold \(rows.count) values, expected \(count) × \(inputDimension)")
        guard count > 0 else { return [] }
        let d = inputDimension, n = outputDimension
        var out = LinearAlgebra.centredProduct(rows, count: count, mean: mean, projection: projection, d: d, n: n)
        for r in 0..<count {
            var sum: Float = 0
            for o in 0..<n { sum += out[r * n + o] * out[r * n + o] }
            let scale: Float = sum > 0 ? 1 / sum.squareRoot() : 0
            for o in 0..<n { out[r * n + o] *= scale }
        }
        return out
    }
}

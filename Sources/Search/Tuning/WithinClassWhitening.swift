/// Supervised whitening learned from the catalog's labels: y = L2(Pᵀ(x − μ)).
///
/// P whitens the within-class covariance (shrunk towards a multiple of the identity), then keeps the
/// `dimensions` directions along which the class means are furthest apart. Differences between
/// products of one class shrink, differences between classes grow.
struct WithinClassWhitening: Sendable {
    /// Input length.
    let inputDimension: Int
    /// Output length.
    let dimensions: Int
    /// Mean of the catalog vectors.
    let mean: [Float]
    /// inputDimension × dimensions, row-major.
    let projection: [Float]

    /// Fits on `count` row-major vectors with class indices `labels` (0..<classes).
    init(vectors: [Float], count: Int, dimension d: Int, labels: [Int], classes: Int, dimensions: Int, shrink: Double = 0.1) throws {
        guard dimensions >= 1, dimensions <= d else { throw TuningError.notEnoughData("whitening to \(dimensions) of \(d) dimensions") }
        var mean = [Double](repeating: 0, count: d)
        var classSums = [Double](repeating: 0, count: classes * d)
        var classCounts = [Int](repeating: 0, count: classes)
        for r in 0..<count {
            let c = labels[r]
            classCounts[c] += 1
            for j in 0..<d {
                let v = Double(vectors[r * d + j])
                mean[j] += v
                classSums[c * d + j] += v
            }
        }
        for j in 0..<d { mean[j] /= Double(count) }
        // Class means, centred on the global mean.
        var classMeans = [Float](repeating: 0, count: classes * d)
        for c in 0..<classes where classCounts[c] > 0 {
            for j in 0..<d { classMeans[c * d + j] = Float(classSums[c * d + j] / Double(classCounts[c]) - mean[j]) }
        }
        // Within-class residuals and their covariance.
        var residuals = [Float](repeating: 0, count: count * d)
        for r in 0..<count {
            let c = labels[r]
            for j in 0..<d { residuals[r * d + j] = vectors[r * d + j] - Float(mean[j]) - classMeans[c * d + j] }
        }
        let within = LinearAlgebra.multiply(residuals, residuals, m: d, k: count, n: d, transposeA: true)
        residuals = []
        var sw = within.map { Double($0) / Double(count) }
        var trace = 0.0
        for j in 0..<d { trace += sw[j * d + j] }
        for i in 0..<(d * d) { sw[i] *= 1 - shrink }
        for j in 0..<d { sw[j * d + j] += shrink * trace / Double(d) }
        let (values, vectorsW) = try LinearAlgebra.symmetricEigen(sw, n: d)
        guard let smallest = values.first, smallest > 0 else { throw TuningError.numerical("the within-class covariance is singular") }
        // Whitening matrix P = V · diag(λ^-1/2).
        var whiten = [Float](repeating: 0, count: d * d)
        for i in 0..<d { for j in 0..<d { whiten[i * d + j] = Float(vectorsW[i * d + j] / values[j].squareRoot()) } }
        // Between-class scatter of the whitened class means; keep its leading directions.
        let whitenedMeans = LinearAlgebra.multiply(classMeans, whiten, m: classes, k: d, n: d)
        let between = LinearAlgebra.multiply(whitenedMeans, whitenedMeans, m: d, k: classes, n: d, transposeA: true)
        let (_, vectorsB) = try LinearAlgebra.symmetricEigen(between.map { Double($0) }, n: d)
        var leading = [Float](repeating: 0, count: d * dimensions)  // columns d-1, d-2, … (descending values)
        for i in 0..<d { for j in 0..<dimensions { leading[i * dimensions + j] = Float(vectorsB[i * d + (d - 1 - j)]) } }
        self.inputDimension = d
        self.dimensions = dimensions
        self.mean = mean.map { Float($0) }
        self.projection = LinearAlgebra.multiply(whiten, leading, m: d, k: d, n: dimensions)
    }

    init(inputDimension: Int, dimensions: Int, mean: [Float], projection: [Float]) {
        self.inputDimension = inputDimension
        self.dimensions = dimensions
        self.mean = mean
        self.projection = projection
    }
}

import Foundation

/// A linear classifier of the catalog's labels (multinomial logistic regression on z-scored vectors,
/// full-batch Adam with L2 regularisation). Its class probabilities become part of a tuned vector.
struct SoftmaxProbe: Sendable {
    /// Input length.
    let inputDimension: Int
    /// Number of classes.
    let classes: Int
    /// Per-dimension mean and scale used to z-score inputs.
    let mean: [Float]
    let scale: [Float]
    /// inputDimension × classes, row-major.
    let weights: [Float]
    let bias: [Float]

    /// Fits on `count` row-major vectors with class indices `labels`.
    init(vectors: [Float], count n: Int, dimension d: Int, labels: [Int], classes k: Int,
         regularisation: Float = 1e-4, iterations: Int = 300, learningRate: Float = 0.005) {
        var mean = [Double](repeating: 0, count: d), square = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { let v = Double(vectors[r * d + j]); mean[j] += v; square[j] += v * v } }
        let mu = mean.map { Float($0 / Double(n)) }
        let sd = (0..<d).map { j in Float((max(square[j] / Double(n) - (mean[j] / Double(n)) * (mean[j] / Double(n)), 0)).squareRoot()) + 1e-6 }
        var z = vectors
        for r in 0..<n { for j in 0..<d { z[r * d + j] = (z[r * d + j] - mu[j]) / sd[j] } }
        var w = [Float](repeating: 0, count: d * k), b = [Float](repeating: 0, count: k)
        var mw = w, vw = w, mb = b, vb = b
        for t in 1...max(iterations, 1) {
            var g = LinearAlgebra.multiply(z, w, m: n, k: d, n: k)  // logits, then the gradient of the loss
            for r in 0..<n {
                var top = -Float.infinity
                for c in 0..<k { g[r * k + c] += b[c]; top = Swift.max(top, g[r * k + c]) }
                var sum: Float = 0
                for c in 0..<k { let e = Foundation.exp(g[r * k + c] - top); g[r * k + c] = e; sum += e }
                for c in 0..<k { g[r * k + c] = (g[r * k + c] / sum - (labels[r] == c ? 1 : 0)) / Float(n) }
            }
            var gw = LinearAlgebra.multiply(z, g, m: d, k: n, n: k, transposeA: true)
            for i in gw.indices { gw[i] += regularisation * w[i] }
            var gb = [Float](repeating: 0, count: k)
            for r in 0..<n { for c in 0..<k { gb[c] += g[r * k + c] } }
            SoftmaxProbe.adam(&w, gradient: gw, m: &mw, v: &vw, step: t, rate: learningRate)
            SoftmaxProbe.adam(&b, gradient: gb, m: &mb, v: &vb, step: t, rate: learningRate)
        }
        self.init(inputDimension: d, classes: k, mean: mu, scale: sd, weights: w, bias: b)
    }

    init(inputDimension: Int, classes: Int, mean: [Float], scale: [Float], weights: [Float], bias: [Float]) {
        self.inputDimension = inputDimension
        self.classes = classes
        self.mean = mean
        self.scale = scale
        self.weights = weights
        self.bias = bias
    }

    /// Class probabilities of one vector.
    func probabilities(_ x: UnsafeBufferPointer<Float>) -> [Float] {
        var logits = bias
        for j in 0..<inputDimension {
            let v = (x[j] - mean[j]) / scale[j]
            for c in 0..<classes { logits[c] += v * weights[j * classes + c] }
        }
        let top = logits.max() ?? 0
        var sum: Float = 0
        for c in 0..<classes { logits[c] = Foundation.exp(logits[c] - top); sum += logits[c] }
        return logits.map { $0 / sum }
    }

    /// One Adam step (β 0.9 / 0.999).
    private static func adam(_ p: inout [Float], gradient g: [Float], m: inout [Float], v: inout [Float], step t: Int, rate: Float) {
        let c1 = 1 - Float(Foundation.pow(0.9, Double(t))), c2 = 1 - Float(Foundation.pow(0.999, Double(t)))
        for i in p.indices {
            m[i] = 0.9 * m[i] + 0.1 * g[i]
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
            p[i] -= rate * (m[i] / c1) / ((v[i] / c2).squareRoot() + 1e-8)
        }
    }
}

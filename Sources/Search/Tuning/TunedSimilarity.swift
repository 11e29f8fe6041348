import Foundation

/// Catalog-tuned similarity learned from the shop's own labels (`lookalike tune --label articleType`).
///
/// A tuned vector is L2([WCW(x), w · L2(probe(x))]): the within-class-whitened vector (products of one
/// class drawn together, classes pushed apart) next to `blendWeight` × the class probabilities of a
/// linear probe. Cosine similarity of tuned vectors is then (cos_wcw + w² cos_probe) / (1 + w²).
/// Learned from the catalog's vectors only, stored with the catalog (a setting) and applied at query
/// time to both sides.
public struct TunedSimilarity: Sendable {
    /// How a tuning is fitted.
    public struct Parameters: Sendable, Codable, Equatable {
        /// Dimensions kept after within-class whitening.
        public var dimensions = 256
        /// Weight of the class probabilities in the blend.
        public var blendWeight: Float = 0.5
        /// Shrinkage of the within-class covariance towards the identity (0…1).
        public var shrink = 0.1
        /// Adam steps of the probe.
        public var probeIterations = 300
        /// Default parameters (those measured in tools/quality/FINDINGS.md).
        public init() {}
    }

    /// The label field the tuning learned.
    public let label: String
    /// Class names, in probe order.
    public let classes: [String]
    /// The parameters it was fitted with.
    public let parameters: Parameters
    /// Products it was fitted on (those with the label).
    public let fittedCount: Int
    /// Products the catalog had when it was fitted, labelled or not: what staleness is measured against.
    public let catalogCount: Int
    /// When it was fitted.
    public let fittedAt: Date
    private let whitening: WithinClassWhitening
    private let probe: SoftmaxProbe
    var whiteningPart: WithinClassWhitening { whitening }
    var probePart: SoftmaxProbe { probe }

    /// Length of the vectors it takes.
    public var inputDimension: Int { whitening.inputDimension }
    /// Length of the vectors it makes.
    public var outputDimension: Int { whitening.dimensions + probe.classes }

    /// Fits on `count` row-major unit vectors labelled `labels` (nil = unlabelled, skipped).
    public static func fit(vectors: [Float], dimension: Int, labels: [String?], label: String,
                           parameters: Parameters = Parameters()) throws -> TunedSimilarity {
        let count = labels.count
        guard dimension > 0, vectors.count == count * dimension else { throw TuningError.notEnoughData("no vectors") }
        var rows: [Int] = []
        for (row, value) in labels.enumerated() where value != nil { rows.append(row) }
        let classes = Array(Set(rows.compactMap { labels[$0] })).sorted()
        guard classes.count >= 2 else {
            throw TuningError.notEnoughData("products need at least 2 different values of '\(label)' (found \(classes.count))")
        }
        guard rows.count >= 2 * classes.count, rows.count > parameters.dimensions / 4 else {
            throw TuningError.notEnoughData("\(rows.count) products with a '\(label)' are too few for \(classes.count) classes")
        }
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var x = [Float]()
        x.reserveCapacity(rows.count * dimension)
        for r in rows { x += vectors[(r * dimension)..<((r + 1) * dimension)] }
        let y = rows.compactMap { labels[$0].flatMap { classIndex[$0] } }
        let whitening = try WithinClassWhitening(vectors: x, count: rows.count, dimension: dimension, labels: y,
                                                 classes: classes.count, dimensions: min(parameters.dimensions, dimension),
                                                 shrink: parameters.shrink)
        let probe = SoftmaxProbe(vectors: x, count: rows.count, dimension: dimension, labels: y, classes: classes.count,
                                 iterations: parameters.probeIterations)
        return TunedSimilarity(label: label, classes: classes, parameters: parameters, fittedCount: rows.count, catalogCount: count,
                               fittedAt: Date(), whitening: whitening, probe: probe)
    }

    init(label: String, classes: [String], parameters: Parameters, fittedCount: Int, catalogCount: Int, fittedAt: Date,
                 whitening: WithinClassWhitening, probe: SoftmaxProbe) {
        self.label = label
        self.classes = classes
        self.parameters = parameters
        self.fittedCount = fittedCount
        self.catalogCount = catalogCount
        self.fittedAt = fittedAt
        self.whitening = whitening
        self.probe = probe
    }

    /// The tuned vector of one vector.
    public func project(_ x: [Float]) -> [Float] {
        precondition(x.count == inputDimension, "vector length \(x.count), tuning takes \(inputDimension)")
        let d = inputDimension, dims = whitening.dimensions
        var out = [Float](repeating: 0, count: outputDimension)
        x.withUnsafeBufferPointer { px in
            var centred = [Float](repeating: 0, count: d)
            for j in 0..<d { centred[j] = px[j] - whitening.mean[j] }
            whitening.projection.withUnsafeBufferPointer { p in
                for j in 0..<d where centred[j] != 0 {
                    let v = centred[j], row = j * dims
                    for o in 0..<dims { out[o] += v * p[row + o] }
                }
            }
            let probabilities = probe.probabilities(px)
            for c in 0..<probe.classes { out[dims + c] = probabilities[c] }
        }
        blend(&out)
        return out
    }

    /// The tuned vectors of `count` row-major vectors (one matrix product; for whole catalogs).
    public func project(rows: [Float], count: Int) -> [Float] {
        let d = inputDimension, dims = whitening.dimensions, outDim = outputDimension
        guard count > 0 else { return [] }
        let whitened = LinearAlgebra.centredProduct(rows, count: count, mean: whitening.mean, projection: whitening.projection, d: d, n: dims)
        var out = [Float](repeating: 0, count: count * outDim)
        rows.withUnsafeBufferPointer { all in
            for r in 0..<count {
                var row = Array(whitened[(r * dims)..<((r + 1) * dims)])
                row += probe.probabilities(UnsafeBufferPointer(rebasing: all[(r * d)..<((r + 1) * d)]))
                blend(&row)
                for o in 0..<outDim { out[r * outDim + o] = row[o] }
            }
        }
        return out
    }

    /// Normalises the whitened part and the probabilities separately, weights the latter, normalises the whole.
    private func blend(_ v: inout [Float]) {
        let dims = whitening.dimensions
        func norm(_ range: Range<Int>) -> Float { (range.reduce(Float(0)) { $0 + v[$1] * v[$1] }).squareRoot() }
        let a = norm(0..<dims), b = norm(dims..<v.count)
        for i in 0..<dims { v[i] = a > 0 ? v[i] / a : 0 }
        for i in dims..<v.count { v[i] = b > 0 ? parameters.blendWeight * v[i] / b : 0 }
        let total = norm(0..<v.count)
        if total > 0 { for i in v.indices { v[i] /= total } }
    }

    /// True when the catalog has changed so much (by more than a quarter) that the tuning should be re-fitted.
    public func isStale(catalogCount now: Int) -> Bool {
        abs(now - catalogCount) * 4 > max(catalogCount, 1)
    }
}

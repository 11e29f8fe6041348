import Foundation

/// Seeded, clustered, L2-normalised test vectors (not uniform: real embeddings cluster by product type).
///
/// Recipe (mirrored by `bench/search_baselines.py` with numpy): `clusters` centroids drawn from a
/// standard normal and normalised; each vector picks a centroid uniformly, adds uniform noise in
/// ±`noise`·√(3/dim) per coordinate (noise of norm ≈ `noise`), and is normalised. Row r is generated from
/// its own SplitMix64 stream, so any range of rows can be made on any thread with the same result.
public struct SyntheticVectors: Sendable {
    /// Length of each vector.
    public let dimension: Int
    /// Number of clusters.
    public let clusters: Int
    /// Seed of every stream.
    public let seed: UInt64
    /// Norm of the noise added to a centroid (1 ⇒ cosine to its centroid ≈ 0.7).
    public let noise: Float
    private let centroids: [Float]

    /// Creates a generator; the centroids are drawn at once.
    public init(dimension: Int = 1280, clusters: Int = 256, seed: UInt64 = 42, noise: Float = 1) {
        self.dimension = dimension
        self.clusters = max(1, clusters)
        self.seed = seed
        self.noise = noise
        var random = SplitMix64(seed: seed ^ 0xC3A5_C85C_97CB_3127)
        var centroids = [Float](repeating: 0, count: self.clusters * dimension)
        for cluster in 0 ..< self.clusters {
            for index in 0 ..< dimension { centroids[cluster * dimension + index] = random.nextGaussian() }
            Self.normalize(&centroids[cluster * dimension ..< (cluster + 1) * dimension])
        }
        self.centroids = centroids
    }

    /// Database rows `rows`, row-major.
    public func vectors(_ rows: Range<Int>) -> [Float] {
        make(rows, stream: 0)
    }

    /// `count` query vectors from the same distribution (a stream distinct from the rows').
    public func queries(_ count: Int) -> [Float] {
        make(0 ..< count, stream: 0x5157_4552_5945_5331)
    }

    private func make(_ rows: Range<Int>, stream: UInt64) -> [Float] {
        var output = [Float](repeating: 0, count: rows.count * dimension)
        let amplitude = noise * (3 / Float(dimension)).squareRoot()
        let rowCount = rows.count
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let parts = rowCount >= 2048 ? ProcessInfo.processInfo.activeProcessorCount : 1
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                for offset in stride(from: part, to: rowCount, by: parts) {
                    let row = rows.lowerBound + offset
                    var random = SplitMix64(seed: seed &+ stream &+ UInt64(row) &* 0x9E37_79B9_7F4A_7C15)
                    let cluster = Int(random.next() % UInt64(clusters))
                    let target = UnsafeMutableBufferPointer(start: base + offset * dimension, count: dimension)
                    var norm: Float = 0
                    for index in 0 ..< dimension {
                        let value = centroids[cluster * dimension + index] + amplitude * random.nextSigned()
                        target[index] = value
                        norm += value * value
                    }
                    let scale = norm > 0 ? 1 / norm.squareRoot() : 0
                    for index in 0 ..< dimension { target[index] *= scale }
                }
            }
        }
        return output
    }

    static func normalize(_ values: inout ArraySlice<Float>) {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return }
        for index in values.indices { values[index] /= norm }
    }
}

/// SplitMix64: a tiny, fast, seedable generator (good enough for test data, not for secrets).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [-1, 1).
    public mutating func nextSigned() -> Float {
        Float(next() >> 40) * 0x1p-23 - 1
    }

    /// Standard normal (Box–Muller).
    public mutating func nextGaussian() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1p-53, .leastNonzeroMagnitude)
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2))
    }
}

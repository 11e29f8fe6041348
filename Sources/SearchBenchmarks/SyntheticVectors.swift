import Search
import Foundation

/// Seeded, clustered, L2-normalised test vectors (not uniform: real embeddings cluster by product type).
///
/// Two recipes (`SyntheticRecipe`), mirrored draw for draw by `bench/synthetic_vectors.py` with numpy so
/// faiss searches the same float32 bits. Centres (and the latent recipe's projection) come from one
/// SplitMix64 stream; row r is generated from its own stream (state = seed + stream + r·golden: the first
/// draw picks a cluster, the latent recipe then draws `latentDimension` Box–Muller pairs, and the last
/// `dimension` draws are the uniform noise), so any range of rows can be made on any thread with the same
/// result. Sums run in a fixed order (element by element, latent coordinate by coordinate) for the same reason.
public struct SyntheticVectors: Sendable {
    /// Length of each vector.
    public let dimension: Int
    /// Number of clusters.
    public let clusters: Int
    /// Seed of every stream.
    public let seed: UInt64
    /// isotropic: norm of the noise added to a unit centre (1 ⇒ cosine to its centre ≈ 0.7);
    /// latent: noise norm relative to the projected latent's expected norm (0.2 ⇒ cosine ≈ 0.98).
    public let noise: Float
    /// Which recipe makes the rows.
    public let recipe: SyntheticRecipe
    /// Dimension of the latent (latent recipe only).
    public let latentDimension: Int
    /// Standard deviation of a latent around its cluster centre, whose coordinates have deviation 1.
    public let spread: Float
    /// isotropic: `clusters` × `dimension` unit centres; latent: `clusters` × `latentDimension` centres.
    private let centroids: [Float]
    /// latent: `latentDimension` × `dimension`, row j the image of latent coordinate j (empty if isotropic).
    private let projection: [Float]

    /// Creates a generator; the centres (and projection) are drawn at once.
    public init(dimension: Int = 1280, clusters: Int = 256, seed: UInt64 = 42, noise: Float = 1,
                recipe: SyntheticRecipe = .isotropic, latentDimension: Int = 32, spread: Float = 0.5) {
        self.dimension = dimension
        self.clusters = max(1, clusters)
        self.seed = seed
        self.noise = noise
        self.recipe = recipe
        self.latentDimension = max(1, latentDimension)
        self.spread = spread
        var random = SplitMix64(seed: seed ^ 0xC3A5_C85C_97CB_3127)
        switch recipe {
        case .isotropic:
            var centroids = [Float](repeating: 0, count: self.clusters * dimension)
            for cluster in 0 ..< self.clusters {
                for index in 0 ..< dimension { centroids[cluster * dimension + index] = random.nextGaussian() }
                Self.normalize(&centroids[cluster * dimension ..< (cluster + 1) * dimension])
            }
            self.centroids = centroids
            projection = []
        case .latent:
            let latent = self.latentDimension
            centroids = (0 ..< self.clusters * latent).map { _ in random.nextGaussian() }
            let scale = 1 / Float(dimension).squareRoot()
            projection = (0 ..< latent * dimension).map { _ in random.nextGaussian() * scale }
        }
    }

    /// Database rows `rows`, row-major.
    public func vectors(_ rows: Range<Int>) -> [Float] {
        make(rows, stream: 0)
    }

    /// `count` query vectors from the same distribution (a stream distinct from the rows').
    public func queries(_ count: Int) -> [Float] {
        make(0 ..< count, stream: 0x5157_4552_5945_5331)
    }

    /// The cluster database row `row` was drawn around.
    public func cluster(ofRow row: Int) -> Int {
        var random = rowGenerator(row, stream: 0)
        return Int(random.next() % UInt64(clusters))
    }

    /// The generator of one row: its first draw picks the cluster, the rest make the vector.
    private func rowGenerator(_ row: Int, stream: UInt64) -> SplitMix64 {
        SplitMix64(seed: seed &+ stream &+ UInt64(row) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Amplitude of the uniform noise per coordinate (uniform on ±a has deviation a/√3).
    var amplitude: Float {
        let isotropic = noise * (3 / Float(dimension)).squareRoot()
        guard recipe == .latent else { return isotropic }
        return isotropic * (Float(latentDimension) * (1 + spread * spread)).squareRoot()
    }

    private func make(_ rows: Range<Int>, stream: UInt64) -> [Float] {
        var output = [Float](repeating: 0, count: rows.count * dimension)
        let amplitude = amplitude
        let rowCount = rows.count
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let parts = rowCount >= 2048 ? ProcessInfo.processInfo.activeProcessorCount : 1
            parallelParts(parts) { part in
                for offset in stride(from: part, to: rowCount, by: parts) {
                    let row = rows.lowerBound + offset
                    var random = rowGenerator(row, stream: stream)
                    let cluster = Int(random.next() % UInt64(clusters))
                    let target = UnsafeMutableBufferPointer(start: base + offset * dimension, count: dimension)
                    if recipe == .latent {
                        project(cluster: cluster, random: &random, into: target)
                    } else {
                        for index in 0 ..< dimension { target[index] = centroids[cluster * dimension + index] }
                    }
                    var norm: Float = 0
                    for index in 0 ..< dimension {
                        let value = target[index] + amplitude * random.nextSigned()
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

    /// A checksum of float32 bits, Σ bits[i]·(i + 1) modulo 2^64 (`bench/synthetic_vectors.py` computes the same),
    /// to check that both engines of a comparison search the same vectors.
    public static func checksum(_ values: [Float]) -> UInt64 {
        var sum: UInt64 = 0
        for (index, value) in values.enumerated() { sum &+= UInt64(value.bitPattern) &* UInt64(index + 1) }
        return sum
    }

    /// The latent recipe's signal: z = centre + spread·g, then Σ_j z_j·projection[j], summed in order of j.
    private func project(cluster: Int, random: inout SplitMix64, into target: UnsafeMutableBufferPointer<Float>) {
        for index in 0 ..< dimension { target[index] = 0 }
        projection.withUnsafeBufferPointer { matrix in
            guard let matrix = matrix.baseAddress else { return }
            for coordinate in 0 ..< latentDimension {
                let z = centroids[cluster * latentDimension + coordinate] + spread * random.nextGaussian()
                let image = matrix + coordinate * dimension
                for index in 0 ..< dimension { target[index] += z * image[index] }
            }
        }
    }

    static func normalize(_ values: inout ArraySlice<Float>) {
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return }
        for index in values.indices { values[index] /= norm }
    }
}

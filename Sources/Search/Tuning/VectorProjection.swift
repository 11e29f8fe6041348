/// A map learned from the catalog that turns model vectors into the vectors a search compares
/// (catalog-tuned similarity, PCA-whitening). Both sides of a search go through the same map.
public protocol VectorProjection: Sendable {
    /// Length of the vectors it takes.
    var inputDimension: Int { get }
    /// Length of the vectors it makes.
    var outputDimension: Int { get }
    /// The projected vector of one vector.
    func project(_ x: [Float]) -> [Float]
    /// The projected vectors of `count` row-major vectors.
    func project(rows: [Float], count: Int) -> [Float]
}

extension TunedSimilarity: VectorProjection {}

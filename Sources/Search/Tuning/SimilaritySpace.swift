/// Which vectors a search compares.
public enum SimilaritySpace: String, Sendable, Codable, CaseIterable {
    /// The model's own vectors: best for finding the exact item in a shopper's photo.
    case raw
    /// The catalog-tuned vectors (`lookalike tune`): best for "more of this kind of product".
    case tuned
}

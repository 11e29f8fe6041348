import Catalog
import Embedding
import Foundation
import Imaging

/// Labelled query vectors for a vector-level evaluation (`tune` scores its held-out products with them).
public struct SourceVectors: Sendable {
    /// Ids of the embedded items, in source order.
    public var ids: [String]
    /// Attributes of each item.
    public var attributes: [[String: String]]
    /// Row-major L2-normalised vectors.
    public var vectors: [Float]
    /// Items that could not be embedded: "id: reason".
    public var failures: [String]

    /// Wraps vectors made elsewhere (e.g. held-out rows of the catalog).
    public init(ids: [String], attributes: [[String: String]], vectors: [Float], failures: [String]) {
        self.ids = ids
        self.attributes = attributes
        self.vectors = vectors
        self.failures = failures
    }
}

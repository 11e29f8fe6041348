import Foundation

/// One catalog item: its id, display title, free-form attributes and the image it was indexed from.
public struct Product: Sendable, Hashable, Codable {
    /// Stable identifier chosen by the catalog source (a SKU, a file path without extension, …).
    public var id: String
    /// Human-readable name shown in results.
    public var title: String
    /// Facets such as `articleType`, `baseColour` or `gender`; empty values are never stored.
    public var attributes: [String: String]
    /// Where the image was read from, if it came from a file.
    public var imagePath: String?
    /// SHA-256 hex of the image bytes, used to skip unchanged items on re-import.
    public var contentHash: String?
    /// When the product was first stored; kept across re-imports.
    public var createdAt: Date
    /// When the product was last written.
    public var updatedAt: Date

    /// Creates a product; both timestamps default to now.
    public init(
        id: String,
        title: String,
        attributes: [String: String] = [:],
        imagePath: String? = nil,
        contentHash: String? = nil,
        createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.title = title
        self.attributes = attributes
        self.imagePath = imagePath
        self.contentHash = contentHash
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The embedding of one product under one model key.
public struct ProductVector: Sendable, Hashable {
    /// The product this vector belongs to.
    public var productID: String
    /// The embedding, usually L2-normalised by the caller.
    public var vector: [Float]

    /// Creates a product vector.
    public init(productID: String, vector: [Float]) {
        self.productID = productID
        self.vector = vector
    }
}

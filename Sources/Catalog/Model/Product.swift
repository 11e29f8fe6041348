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
    /// The product's other images, by position (1, 2, …); each is embedded and searched like the primary one.
    public var images: [ProductPhoto]
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
        images: [ProductPhoto] = [],
        createdAt: Date = Date(),
        updatedAt: Date = Date()
    ) {
        self.id = id
        self.title = title
        self.attributes = attributes
        self.imagePath = imagePath
        self.contentHash = contentHash
        self.images = images
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Product {
    /// The path of the image at `position` (0: the primary image), nil when the product has no such image.
    public func imagePath(at position: Int) -> String? {
        position == 0 ? imagePath : images.first { $0.position == position }?.imagePath
    }

    /// The content hash of the image at `position` (0: the primary image).
    public func contentHash(at position: Int) -> String? {
        position == 0 ? contentHash : images.first { $0.position == position }?.contentHash
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, attributes, imagePath, contentHash, images, createdAt, updatedAt
    }

    /// Decodes a product; one written before products had additional images decodes with none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try container.decode(String.self, forKey: .id),
                  title: try container.decode(String.self, forKey: .title),
                  attributes: try container.decode([String: String].self, forKey: .attributes),
                  imagePath: try container.decodeIfPresent(String.self, forKey: .imagePath),
                  contentHash: try container.decodeIfPresent(String.self, forKey: .contentHash),
                  images: try container.decodeIfPresent([ProductPhoto].self, forKey: .images) ?? [],
                  createdAt: try container.decode(Date.self, forKey: .createdAt),
                  updatedAt: try container.decode(Date.self, forKey: .updatedAt))
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

import Catalog
import Embedding
import Imaging
import Foundation
import Hummingbird
import Service

/// A product as the API shows it.
struct ProductJSON: ResponseEncodable, Codable, Sendable {
    var id: String
    var title: String
    var attributes: [String: String]
    var image: String
    var thumbnail: String
    /// Every image of the product, the primary one first.
    var images: [ImageJSON]
    var url: String
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, title, attributes, image, thumbnail, images, url
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ product: Product) {
        id = product.id
        title = product.title
        attributes = product.attributes
        image = WebPaths.image(product.id)
        thumbnail = WebPaths.thumbnail(product.id)
        images = ([0] + product.images.map(\.position)).map { ImageJSON(id: product.id, position: $0) }
        url = WebPaths.product(product.id)
        createdAt = product.createdAt
        updatedAt = product.updatedAt
    }
}

/// One of a product's images: its position (0: the primary image) and where to get it.
struct ImageJSON: Codable, Sendable {
    var position: Int
    var image: String
    var thumbnail: String

    init(id: String, position: Int) {
        self.position = position
        image = WebPaths.image(id, position: position)
        thumbnail = WebPaths.thumbnail(id, position: position)
    }
}

/// One search result as the API shows it: `image` and `thumbnail` are of the image that matched,
/// `matched_image` its position (0: the primary image).
struct ResultJSON: Codable, Sendable {
    var id: String
    var title: String
    var score: Double
    var attributes: [String: String]
    var image: String
    var thumbnail: String
    var matchedImage: Int
    var url: String
    /// "Why it matched" (only with explain=1).
    var heatmap: HeatMapJSON?

    enum CodingKeys: String, CodingKey {
        case id, title, score, attributes, image, thumbnail, url, heatmap
        case matchedImage = "matched_image"
    }

    init(_ result: SearchResult, heatMap: HeatMap? = nil) {
        heatmap = heatMap.map(HeatMapJSON.init)
        id = result.product.id
        title = result.product.title
        score = (Double(result.score) * 10_000).rounded() / 10_000
        attributes = result.product.attributes
        image = WebPaths.image(result.product.id, position: result.image)
        thumbnail = WebPaths.thumbnail(result.product.id, position: result.image)
        matchedImage = result.image
        url = WebPaths.product(result.product.id)
    }
}

/// Which part of a result's image looks most like the query: `values` (0…1, row-major, `width` × `height`
/// cells) cover `region` of the image (fractions; the model's centre crop); `peak` is the best cell's cosine.
struct HeatMapJSON: Codable, Sendable {
    var width: Int
    var height: Int
    var values: [Double]
    var peak: Double
    var region: CropRegion

    init(_ map: HeatMap) {
        width = map.width
        height = map.height
        values = map.values.map { (Double($0) * 1000).rounded() / 1000 }
        peak = (Double(map.peak) * 10_000).rounded() / 10_000
        region = map.region
    }
}

/// Where a request's time went, in milliseconds.
struct TimingsJSON: Codable, Sendable {
    var decodeMs: Double
    var embedMs: Double
    var searchMs: Double
    var totalMs: Double

    enum CodingKeys: String, CodingKey {
        case decodeMs = "decode_ms"
        case embedMs = "embed_ms"
        case searchMs = "search_ms"
        case totalMs = "total_ms"
    }

    init(decode: Double, embed: Double, search: Double, total: Double) {
        func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
        decodeMs = round(decode)
        embedMs = round(embed)
        searchMs = round(search)
        totalMs = round(total)
    }
}

/// `POST /api/search`.
struct SearchResponseJSON: ResponseEncodable, Codable, Sendable {
    var results: [ResultJSON]
    var timings: TimingsJSON
    var k: Int
}

/// `GET /api/products/{id}/similar`.
struct SimilarResponseJSON: ResponseEncodable, Codable, Sendable {
    var product: ProductJSON
    var results: [ResultJSON]
    var timings: TimingsJSON
    var k: Int
}

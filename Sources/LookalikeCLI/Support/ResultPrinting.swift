import Catalog
import Foundation
import Search
import Service

/// One result as `search --json` and `similar --json` print it.
struct ResultLine: Encodable {
    let id: String
    let score: Float
    let title: String
    let attributes: [String: String]
    /// The file of the image that matched.
    let image: String?
    /// Which image matched: 0 the primary one, N the product's additional image at position N.
    let matchedImage: Int

    enum CodingKeys: String, CodingKey {
        case id, score, title, attributes, image
        case matchedImage = "matched_image"
    }

    init(_ result: SearchResult) {
        id = result.product.id
        score = result.score
        title = result.product.title
        attributes = result.product.attributes
        image = result.imagePath
        matchedImage = result.image
    }
}

/// Prints results as an aligned table for people.
func printResults(_ results: [SearchResult], metric: VectorMetric) {
    let label = metric == .cosine ? "similarity" : "distance"
    print(String(format: "  %-4@ %-10@ %-28@ %@", "#" as NSString, label as NSString, "id" as NSString, "title · metadata" as NSString))
    for (rank, result) in results.enumerated() {
        let p = result.product
        let meta = p.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let matched = result.image == 0 ? "" : " · matched image \(result.image)"
        print(String(format: "  %-4d %-10.4f %-28@ %@", rank + 1, result.score, p.id as NSString,
                     "\(p.title)\(matched) · \(meta)" as NSString))
    }
}

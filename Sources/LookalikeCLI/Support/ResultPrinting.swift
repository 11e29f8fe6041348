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
    let image: String?

    init(_ result: SearchResult) {
        id = result.product.id
        score = result.score
        title = result.product.title
        attributes = result.product.attributes
        image = result.product.imagePath
    }
}

/// Prints results as an aligned table for people.
func printResults(_ results: [SearchResult], metric: VectorMetric) {
    let label = metric == .cosine ? "similarity" : "distance"
    print(String(format: "  %-4@ %-10@ %-28@ %@", "#" as NSString, label as NSString, "id" as NSString, "title · metadata" as NSString))
    for (rank, result) in results.enumerated() {
        let p = result.product
        let meta = p.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        print(String(format: "  %-4d %-10.4f %-28@ %@", rank + 1, result.score, p.id as NSString, "\(p.title) · \(meta)" as NSString))
    }
}

import Catalog
import Search
import Service

/// A result card rendered on the server (product page neighbours); `app.js` builds the same markup.
enum ProductCard {
    static func render(_ result: SearchResult, metric: VectorMetric) -> HTML {
        let product = result.product
        let facts = FacetDisplay.keyFacts(product.attributes)
        let score = ScoreText.make(result.score, metric: metric)
        return """
        <li class="card">
          <a class="card-image" href="\(WebPaths.product(product.id))" tabindex="-1" aria-hidden="true">
            <img src="\(WebPaths.thumbnail(product.id, position: result.image))" alt="\(product.title)" loading="lazy" decoding="async">
          </a>
          <div class="card-body">
            <h3 class="card-title"><a href="\(WebPaths.product(product.id))">\(product.title)</a></h3>
            <p class="card-meta">\(facts.joined(separator: " · "))</p>
            <p class="card-score" title="\(score.exact)"><span class="score-pill">\(score.short)</span></p>
            <a class="button small more-like" href="/?like=\(WebPaths.segment(product.id))">More like this</a>
          </div>
        </li>
        """
    }
}

/// A score in words: "92% match" for cosine similarity, "distance 0.41" for Euclidean.
enum ScoreText {
    static func make(_ score: Float, metric: VectorMetric) -> (short: String, exact: String) {
        switch metric {
        case .cosine:
            let percent = Int((max(0, min(1, Double(score))) * 100).rounded())
            return ("\(percent)% match", "cosine similarity \(formatted(score))")
        case .euclidean:
            return ("distance \(formatted(score))", "Euclidean distance \(formatted(score))")
        }
    }

    private static func formatted(_ value: Float) -> String {
        let rounded = (Double(value) * 1000).rounded() / 1000
        return String(rounded)
    }
}

import Catalog
import Search
import Service

/// `/products/{id}`: the product's photo, title and attributes, and its nearest neighbours.
struct ProductPage {
    var shopName: String
    var product: Product
    var neighbours: [SearchResult]
    var metric: VectorMetric
    /// Set when the neighbours could not be found (e.g. the product has no vector yet).
    var neighboursProblem: String?

    func render(assets: StaticAssets) -> HTML {
        PageLayout.document(title: "\(product.title) — \(shopName)", shopName: shopName, assets: assets,
                            bodyAttributes: " data-page=\"product\"", main: main)
    }

    private var main: HTML {
        let rows = product.attributes.sorted { FacetDisplay.order($0.key, $1.key) }.map { key, value -> HTML in
            "<div class=\"fact\"><dt>\(FacetDisplay.label(key))</dt><dd>\(value)</dd></div>"
        }
        return """
        <nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">← Back to search</a></nav>
        <article class="product" aria-labelledby="product-title">
          <div class="product-photo">
            <img src="\(WebPaths.thumbnail(product.id))?size=640" alt="\(product.title)" width="640" height="640">
          </div>
          <div class="product-info">
            <h1 id="product-title">\(product.title)</h1>
            <p class="product-id">Item \(product.id)</p>
            <dl class="facts">\(rows)</dl>
            <div class="actions">
              <a class="button primary" href="/?like=\(WebPaths.segment(product.id))">Find more like this</a>
              <a class="button" href="\(WebPaths.image(product.id))">Full-size photo</a>
            </div>
          </div>
        </article>
        <section class="results neighbours" aria-labelledby="similar-title">
          <h2 id="similar-title">Looks similar</h2>
          \(neighboursList)
        </section>
        """
    }

    private var neighboursList: HTML {
        if let neighboursProblem { return "<p class=\"status\">\(neighboursProblem)</p>" }
        if neighbours.isEmpty { return "<p class=\"status\">No similar products in the catalog yet.</p>" }
        return "<ol class=\"grid\">\(neighbours.map { ProductCard.render($0, metric: metric) })</ol>"
    }
}

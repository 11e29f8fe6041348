import Catalog

/// The shopper's page at `/`: a photo in (file, camera, drag and drop, paste), a crop, filters
/// from the catalog's own attributes, and the results grid that `app.js` fills from `/api/search`.
struct SearchPage {
    var shopName: String
    var productCount: Int
    var facets: [Facet]
    var options: WebOptions
    var metric: String

    func render(assets: StaticAssets) -> HTML {
        let attributes: HTML = """
             data-page="search" data-default-k="\(options.defaultResults)" data-max-k="\(options.maxResults)" \
            data-max-bytes="\(options.maxUploadBytes)" data-metric="\(metric)"
            """
        return PageLayout.document(title: "Search by photo — \(shopName)", shopName: shopName, assets: assets,
                                   bodyAttributes: attributes, main: main(assets))
    }

    private func main(_ assets: StaticAssets) -> HTML {
        """
        <section class="hero" aria-labelledby="page-title">
          <h1 id="page-title">Find it by photo</h1>
          <p class="lede">Snap, drop or paste a photo of a piece you love — we show the closest matches among \
        \(productCount.formatted) products.</p>
        </section>
        \(emptyNotice)
        <section class="query" aria-label="Your photo">
          <div id="dropzone" class="dropzone">
            <img class="drop-icon" src="\(assets.url("upload.svg"))" alt="" width="48" height="48">
            <p class="drop-title"><strong>Drop a photo here</strong> or paste one</p>
            <div class="actions">
              <label class="button primary file-button">
                <input id="file-input" class="visually-hidden" type="file" accept="image/*" aria-describedby="drop-help">
                Choose a photo
              </label>
              <label class="button file-button camera-button">
                <input id="camera-input" class="visually-hidden" type="file" accept="image/*" capture="environment"
                       aria-describedby="drop-help">
                Take a photo
              </label>
            </div>
            <p id="drop-help" class="hint">JPEG, PNG, WebP, HEIC or AVIF, up to \(ByteFormat.text(options.maxUploadBytes)). \
        Ctrl+V pastes a photo from the clipboard.</p>
          </div>
          <div id="preview" class="preview" hidden>
            <div id="crop-stage" class="crop-stage">
              <img id="preview-image" alt="Your photo">
              <p class="no-preview-text">No preview for this file type — searching with it anyway.</p>
              <div id="crop-shade" class="crop-shade" hidden></div>
              <div id="crop-box" class="crop-box" tabindex="0" role="group" hidden
                   aria-label="Search area: arrow keys move it, Shift and arrow keys resize it, Delete removes it"></div>
            </div>
            <div class="preview-side">
              <p id="preview-caption" class="preview-caption"></p>
              <p class="hint" id="crop-hint">Drag across the photo to search only part of it — say, just the jacket.</p>
              <div class="actions">
                <button type="button" id="clear-crop" class="button" hidden>Use the whole photo</button>
                <button type="button" id="new-photo" class="button">New photo</button>
              </div>
            </div>
          </div>
        </section>
        <div id="error" class="alert" role="alert" hidden></div>
        <div class="results-layout">
          \(filters)
          <section class="results" aria-labelledby="results-title">
            <div class="results-head">
              <h2 id="results-title">Your matches</h2>
              <p id="status" class="status" role="status" aria-live="polite">Add a photo to see matching products.</p>
              <label class="explain-toggle"><input type="checkbox" id="explain"> Show why it matched</label>
            </div>
            <ol id="results" class="grid" aria-busy="false"></ol>
            <div class="more-row"><button type="button" id="show-more" class="button" hidden>Show more</button></div>
          </section>
        </div>
        <template id="card-template">
          <li class="card">
            <a class="card-image" tabindex="-1" aria-hidden="true"><img alt="" loading="lazy" decoding="async"></a>
            <div class="card-body">
              <h3 class="card-title"><a></a></h3>
              <p class="card-meta"></p>
              <p class="card-score"><span class="score-pill"></span></p>
              <button type="button" class="button small more-like">More like this</button>
            </div>
          </li>
        </template>
        """
    }

    private var emptyNotice: HTML {
        guard productCount == 0 else { return "" }
        return """
        <div class="alert info" role="note"><strong>The catalog is empty.</strong> There is nothing to compare photos with \
        yet: import products with <code>lookalike index SOURCE</code>, or add them through <code>POST /api/products</code>.</div>
        """
    }

    private var filters: HTML {
        let menus = FacetDisplay.menus(facets)
        guard !menus.isEmpty else { return "" }
        let groups = menus.map { facet -> HTML in
            let values = facet.values.prefix(12).map { value -> HTML in
                """
                <li><label class="chip"><input type="checkbox" name="\(facet.key)" value="\(value.value)"> \
                <span>\(value.value)</span> <span class="count">\(value.count.formatted)</span></label></li>
                """
            }
            return """
            <fieldset class="facet">
              <legend>\(FacetDisplay.label(facet.key))</legend>
              <ul class="chips">\(values)</ul>
            </fieldset>
            """
        }
        return """
        <aside class="filters" aria-labelledby="filters-title">
          <details id="filters-details" open>
            <summary id="filters-title">Filters <span id="filter-count" class="filter-count"></span></summary>
            <form id="filters" class="filter-form">
              \(groups)
              <button type="reset" class="button small link" id="clear-filters">Clear filters</button>
            </form>
          </details>
        </aside>
        """
    }
}

extension Int {
    /// 60000 → "60,000".
    var formatted: String {
        let digits = String(self.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}

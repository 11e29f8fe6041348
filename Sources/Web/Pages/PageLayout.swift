/// The frame every page shares: head, header with the shop's name, main content, footer.
enum PageLayout {
    /// A complete HTML document.
    static func document(title: String, shopName: String, assets: StaticAssets, bodyAttributes: HTML = "",
                         main: HTML) -> HTML {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light">
        <title>\(title)</title>
        <link rel="icon" href="\(assets.url("icon.svg"))" type="image/svg+xml">
        <link rel="stylesheet" href="\(assets.url("app.css"))">
        <script src="\(assets.url("app.js"))" defer></script>
        </head>
        <body\(bodyAttributes)>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <div class="wrap header-inner">
            <a class="brand" href="/" aria-label="\(shopName) — visual search home">
              <img src="\(assets.url("icon.svg"))" alt="" width="28" height="28">
              <span>\(shopName)</span>
            </a>
            <nav aria-label="Main">
              <a href="/">Search by photo</a>
              <a href="/openapi.json">API</a>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex="-1">
        \(main)
        </main>
        <footer class="site-footer"><div class="wrap">Visual search by Lookalike · photos are not kept unless the shop turned that on</div></footer>
        </body>
        </html>
        """
    }
}

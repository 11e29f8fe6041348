import Foundation

/// The pages of the pretend shop: an ordinary storefront with the widget's one-line snippet in it, in a
/// few variants (button in the header or floating, an icon in the dark theme, another language, a hostile stylesheet).
enum StorefrontPages {
    /// The page at `path` for a Lookalike server at `api` (`http://127.0.0.1:PORT`); nil for an unknown path.
    static func page(_ path: String, api: String) -> String? {
        let widget = "\(api)/widget.js"
        switch path {
        case "/":
            return shop(snippet: "<script src=\"\(widget)\" data-target=\"#header-actions\" data-accent=\"#1f4d3a\" async></script>")
        case "/floating":
            return shop(snippet: "<script src=\"\(widget)\" data-strings='{\"button\": \"Photo search\"}' async></script>")
        case "/fr":
            return shop(snippet: "<script src=\"\(widget)\" data-target=\"#header-actions\" async></script>", lang: "fr")
        case "/dark":
            return shop(snippet: "<script src=\"\(widget)\" data-target=\"#header-actions\" data-theme=\"dark\" data-label=\"\" async></script>")
        case "/aggressive":
            return shop(snippet: "<script src=\"\(widget)\" data-target=\"#header-actions\" data-accent=\"#1f4d3a\" async></script>",
                        extraStyle: hostileStyle)
        default:
            return nil
        }
    }

    /// A stylesheet that restyles every element it can reach, as a careless theme might: none of it may show in
    /// the widget (the shop's own layout of the button's container is the shop's business, so `div` is spared).
    static let hostileStyle = """
        * { font: 30px/1 serif !important; color: red !important; letter-spacing: 4px !important;
            text-transform: uppercase !important; box-sizing: content-box !important; }
        button, dialog, img, svg, ul, li, a, label, input, h2, p, span { all: revert !important; background: yellow !important;
            border: 5px dotted blue !important; padding: 12px !important; margin: 6px !important; }
        img, svg { filter: blur(2px) !important; width: 10px !important; }
        dialog { display: block !important; position: static !important; }
        [hidden] { display: block !important; }
        """

    private static func shop(snippet: String, lang: String = "en", extraStyle: String = "") -> String {
        let products = [("Wool coat", "€189", "#c8b6a6"), ("Linen shirt", "€59", "#dfe6e0"),
                        ("Ankle boots", "€129", "#a3a9b5"), ("Knit dress", "€99", "#e8d3c7")]
            .map { name, price, colour in
                """
                <li><a href="#"><span class="swatch" style="background:\(colour)"></span><span>\(name)</span><strong>\(price)</strong></a></li>
                """
            }.joined(separator: "\n")
        return """
            <!doctype html>
            <html lang="\(lang)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Atelier Nord</title>
            <style>
            body { margin: 0; font-family: Georgia, serif; color: #222; background: #faf8f5; }
            header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 16px; padding: 14px 28px;
                     background: #fff; border-bottom: 1px solid #e6e1da; }
            .logo { font-size: 24px; font-weight: bold; letter-spacing: 2px; text-decoration: none; color: #222; }
            nav { display: flex; gap: 18px; } nav a { color: #555; text-decoration: none; }
            #header-actions { display: flex; align-items: center; gap: 14px; }
            main { max-width: 1000px; margin: 0 auto; padding: 28px; }
            ul { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 20px; }
            li a { display: flex; flex-direction: column; gap: 6px; color: inherit; text-decoration: none; }
            .swatch { display: block; aspect-ratio: 3 / 4; border-radius: 4px; }
            @media (max-width: 700px) { nav { display: none; } header { padding: 12px 16px; } .logo { font-size: 18px; } main { padding: 16px; } }
            \(extraStyle)
            </style>
            </head>
            <body>
            <header>
              <a class="logo" href="/">ATELIER NORD</a>
              <nav aria-label="Shop"><a href="#">New in</a><a href="#">Women</a><a href="#">Men</a><a href="#">Sale</a></nav>
              <div id="header-actions"><a href="#">Bag (0)</a></div>
            </header>
            <main>
              <h1>Autumn collection</h1>
              <p>Coats, knits and boots for the colder months.</p>
              <ul>
            \(products)
              </ul>
            </main>
            \(snippet)
            </body>
            </html>
            """
    }
}

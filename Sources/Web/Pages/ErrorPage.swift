/// An error as a page, for people who followed a link (API clients get JSON instead).
enum ErrorPage {
    static func render(_ error: APIError, shopName: String, assets: StaticAssets) -> HTML {
        let heading = switch error.status.code {
        case 404: "We couldn’t find that"
        case 400 ..< 500: "That didn’t work"
        default: "Something went wrong on our side"
        }
        return PageLayout.document(title: "\(heading) — \(shopName)", shopName: shopName, assets: assets, main: """
            <section class="error-page" aria-labelledby="error-title">
              <h1 id="error-title">\(heading)</h1>
              <p class="alert" role="alert">\(error.message)</p>
              <p><a class="button primary" href="/">Back to search</a></p>
            </section>
            """)
    }
}

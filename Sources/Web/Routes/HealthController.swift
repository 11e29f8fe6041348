import Foundation
import Hummingbird

/// `GET /healthz` (is the server up, what does it serve) and `GET /metrics` (Prometheus text).
struct HealthController {
    let app: WebApp

    /// Adds the routes to `group` (the site's root).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("healthz", use: health)
        group.get("metrics", use: metrics)
    }

    @Sendable func health(_ request: Request, context: WebContext) async throws -> HealthJSON {
        let embedder = app.service.embedder
        return HealthJSON(status: "ok", products: app.service.count, model: embedder.name, modelKey: embedder.modelKey,
                          precision: embedder.precision.rawValue,
                          uptimeSeconds: (Date().timeIntervalSince(app.metrics.started) * 10).rounded() / 10)
    }

    @Sendable func metrics(_ request: Request, context: WebContext) async throws -> Response {
        let text = app.metrics.render(catalogSize: app.service.count, batcher: app.batcher.statistics,
                                      thumbnails: app.thumbnails.statistics)
        return Response(status: .ok,
                        headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// `GET /healthz`.
struct HealthJSON: ResponseEncodable, Codable, Sendable {
    var status: String
    var products: Int
    var model: String
    var modelKey: String
    var precision: String
    var uptimeSeconds: Double

    enum CodingKeys: String, CodingKey {
        case status, products, model, precision
        case modelKey = "model_key"
        case uptimeSeconds = "uptime_seconds"
    }
}

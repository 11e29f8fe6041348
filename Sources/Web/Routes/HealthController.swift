import Catalog
import Foundation
import Hummingbird
import Logging

/// `GET /healthz` (liveness: the process answers, and what it serves), `GET /readyz` (readiness: the
/// model is compiled, the catalog loaded and its database answers) and `GET /metrics` (Prometheus text).
struct HealthController {
    let app: WebApp

    /// Adds the routes to `group` (the site's root).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("healthz", use: health)
        group.get("readyz", use: ready)
        group.get("metrics", use: metrics)
    }

    @Sendable func health(_ request: Request, context: WebContext) async throws -> HealthJSON {
        let embedder = app.service.embedder
        return HealthJSON(status: "ok", products: app.service.count, model: embedder.name, modelKey: embedder.modelKey,
                          precision: embedder.precision.rawValue,
                          uptimeSeconds: (Date().timeIntervalSince(app.metrics.started) * 10).rounded() / 10)
    }

    /// 200 when every check passes, else 503 naming the failed check; the database gets 2 seconds.
    @Sendable func ready(_ request: Request, context: WebContext) async throws -> EditedResponse<ReadyJSON> {
        let store = app.service.store
        let checks = [
            "model": app.service.embedder.modelKey.isEmpty ? "not compiled" : "ok",
            "catalog": "ok",
            "database": await Self.databaseState(within: .seconds(2), logger: context.logger) { try await store.count() },
        ]
        let ready = checks.values.allSatisfy { $0 == "ok" }
        return EditedResponse(status: ready ? .ok : .serviceUnavailable, headers: [.cacheControl: "no-store"],
                              response: ReadyJSON(status: ready ? "ready" : "not_ready", products: app.service.count, checks: checks))
    }

    /// "ok" when `probe` answers within `limit`, else what went wrong (the error itself goes to the log).
    static func databaseState(within limit: Duration, logger: Logger,
                              _ probe: @escaping @Sendable () async throws -> Int) async -> String {
        do {
            _ = try await withDeadline(limit, expired: { ReadinessTimeout() }, probe)
            return "ok"
        } catch is ReadinessTimeout {
            let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
            return "no answer within \(String(format: "%g", seconds)) s"
        } catch {
            logger.warning("readiness: the catalog database failed: \(error)")
            return "unreachable"
        }
    }

    /// The database check's deadline passed.
    private struct ReadinessTimeout: Error {}

    @Sendable func metrics(_ request: Request, context: WebContext) async throws -> Response {
        let text = app.metrics.render(catalogSize: app.service.count, batcher: app.batcher.statistics, sync: app.sync?.status,
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

/// `GET /readyz`: whether the server can answer searches, with each check's state.
struct ReadyJSON: ResponseEncodable, Codable, Sendable {
    /// `ready` or `not_ready`.
    var status: String
    /// Products in the loaded catalog.
    var products: Int
    /// model, catalog, database → "ok" or what is wrong.
    var checks: [String: String]
}

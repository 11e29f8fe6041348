import Foundation
import Hummingbird
import Logging
import Service

/// The web app and JSON API of a catalog: builds the Hummingbird application around a `SearchService`.
///
/// The model inside the service is compiled once; every request shares it, and query embeddings go
/// through one `QueryBatcher`. CPU-heavy steps run on a `WorkerPool`, never on the event loops.
public struct WebServer: Sendable {
    /// The application type the server runs.
    public typealias App = Application<RouterResponder<WebContext>>

    /// The search service answering queries.
    public let service: SearchService
    /// How the server runs.
    public let options: WebOptions

    /// Creates a server for `service`.
    public init(service: SearchService, options: WebOptions = .init()) {
        self.service = service
        self.options = options
    }

    /// The Hummingbird application; `onRunning` gets the bound port once it listens (useful with port 0).
    public func makeApplication(logger: Logger? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> App {
        let (router, _, app) = try build()
        var logger = logger ?? Logger(label: "lookalike.web")
        if logger.logLevel > .info, ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { logger.logLevel = .info }
        let limit = app.uploadLimit
        var application = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler(maxBodyBytes: limit)])),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Lookalike"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        // The first page view should not pay for counting the catalog's attribute values.
        let facets = app.facets
        application.beforeServerStarts { _ = try? await facets.facets() }
        return application
    }

    /// The router with every route, and the table of those routes (for the OpenAPI check).
    public func makeRouter() throws -> (Router<WebContext>, RouteTable) {
        let (router, routes, _) = try build()
        return (router, routes)
    }

    private func build() throws -> (Router<WebContext>, RouteTable, WebApp) {
        let app = try WebApp(service: service, options: options)
        let router = Router(context: WebContext.self)
        router.add(middleware: MetricsMiddleware(metrics: app.metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware(app: app))
        let routes = RouteTable(router: router)
        PageRoutes(app: app).register(on: routes)
        SearchRoutes(app: app).register(on: routes)
        ProductRoutes(app: app).register(on: routes)
        AdminRoutes(app: app).register(on: routes)
        FacetRoutes(app: app).register(on: routes)
        ImageRoutes(app: app).register(on: routes)
        HealthRoutes(app: app).register(on: routes)
        AssetRoutes(app: app).register(on: routes)
        OpenAPIRoutes(app: app).register(on: routes)
        return (router, routes, app)
    }

    /// The routes the server answers, as `METHOD /path/{param}`.
    public func routes() throws -> [RouteTable.Route] {
        try makeRouter().1.routes
    }

    /// Runs until SIGINT or SIGTERM, then finishes the requests in flight.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onRunning: onRunning).runService()
    }
}

import Foundation
import Hummingbird
import HummingbirdCore
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
    /// How the server runs, as it starts.
    public let options: WebOptions
    /// The options it may change while it runs (`LiveOptions.update(from:)`): what requests read.
    public let live: LiveOptions
    /// The catalog sync run beside the server (`serve --sync`), if any.
    public let sync: CatalogSync?

    /// Creates a server for `service`; with `sync`, the catalog is kept in step with a feed meanwhile.
    public init(service: SearchService, options: WebOptions = .init(), sync: CatalogSync? = nil) {
        self.service = service
        self.options = options
        self.sync = sync
        live = LiveOptions(options)
    }

    /// The Hummingbird application; `onRunning` gets the bound port once it listens (useful with port 0).
    public func makeApplication(logger: Logger? = nil, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> App {
        let (router, app) = try build()
        var logger = logger ?? Logger(label: "lookalike.web")
        if logger.logLevel > .info, ProcessInfo.processInfo.environment["LOG_LEVEL"] == nil { logger.logLevel = .info }
        let limit = app.uploadLimit, metrics = app.metrics
        let descriptors = DescriptorLimit.current()
        let cap = options.connections.effectiveMaxConnections(descriptorLimit: descriptors)
        if let cap, cap < options.connections.maxConnections, let descriptors {
            logger.warning("""
                at most \(cap) connections instead of \(options.connections.maxConnections): the process may open only \
                \(descriptors) files (ulimit -n); raise it to allow more
                """)
        }
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [MalformedRequestHandler(metrics: metrics), ExpectContinueHandler(maxBodyBytes: limit)],
            httpDecoderConfiguration: .init(maxHeaderFieldSize: MalformedRequestHandler.headLimit,
                                            maxHeaderListSize: MalformedRequestHandler.headLimit))
        var application = Application(
            router: router,
            server: .guardedHTTP1(configuration: http1, limits: options.connections,
                                  connections: cap.map { OpenConnections(cap: $0) }, metrics: metrics),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Lookalike"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        // The first page view should not pay for counting the catalog's attribute values.
        let facets = app.facets
        application.beforeServerStarts { _ = try? await facets.facets() }
        if let sync { application.addServices(SyncLoop(sync: sync, app: app, logger: logger)) }
        application.addServices(HeapTrimmer(interval: .seconds(60)))
        return application
    }

    /// The router: the middlewares, then every controller's routes; HEAD is answered wherever GET is.
    private func build() throws -> (Router<WebContext>, WebApp) {
        let app = try WebApp(service: service, options: options, live: live, sync: sync)
        let routes = Self.routes(app)
        // The same routes in a router of their own, only to list them: the error middleware, added before
        // the routes, needs the list for its 405s.
        let listing = Router(context: WebContext.self)
        listing.addRoutes(routes)
        let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
        router.addMiddleware {
            RequestLogMiddleware()
            MetricsMiddleware(metrics: app.metrics)
            SecurityHeadersMiddleware()
            CrossOriginMiddleware(live: app.live)
            ErrorMiddleware(app: app, allowed: AllowedMethods(listing.routes))
        }
        router.addRoutes(routes)
        return (router, app)
    }

    /// Every route of the site: one controller per area, each adding its routes to its group.
    static func routes(_ app: WebApp) -> RouteCollection<WebContext> {
        let routes = RouteCollection(context: WebContext.self)
        PageController(app: app).addRoutes(to: routes.group())
        SearchController(app: app).addRoutes(to: routes.group("api/search"))
        ProductController(app: app).addRoutes(to: routes.group("api/products"))
        AdminController(app: app).addRoutes(to: routes.group("api/products"))
        FacetController(app: app).addRoutes(to: routes.group("api/facets"))
        ImageController(app: app).addRoutes(to: routes.group())
        HealthController(app: app).addRoutes(to: routes.group())
        AssetController(app: app).addRoutes(to: routes.group("assets"))
        OpenAPIController(app: app).addRoutes(to: routes.group())
        WidgetController(app: app).addRoutes(to: routes.group())
        return routes
    }

    /// The routes the server answers, as Hummingbird's router lists them (`GET /api/products/{id}`); the HEAD
    /// route of each GET route is made when the server starts, and not listed.
    public func routes() throws -> [Router<WebContext>.RouteDescription] {
        try build().0.routes
    }

    /// Runs until SIGINT or SIGTERM, then finishes the requests in flight.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onRunning: onRunning).runService()
    }
}

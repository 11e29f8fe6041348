import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A pretend shop's web server on an origin of its own (127.0.0.1 and a free port): it serves HTML pages
/// and nothing else, as a storefront that embeds the widget from Lookalike's origin would.
enum StorefrontServer {
    /// Serves `pages` (path → HTML, nil for 404) for `body`, which gets the port; stopped afterwards.
    static func run(pages: @escaping @Sendable (String) -> String?, _ body: (Int) async throws -> Void) async throws {
        let router = Router()
        let page: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            guard let html = pages(request.uri.path) else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
        }
        router.get("/", use: page)
        router.get("**", use: page)
        var logger = Logger(label: "storefront")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? 0)
                                  continuation.finish()
                              }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task { try await group.run() }
        do {
            let port = try await withTimeout(seconds: 20, "the storefront to listen") { await ports.first { _ in true } }
            try await body(port)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await server.result
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = await server.result
    }
}

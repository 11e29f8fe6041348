import Logging
import Service
import ServiceLifecycle

/// Runs `serve --sync` beside the HTTP server: the catalog sync on its schedule, stopped with the server
/// (a sync in progress stops after the batch in flight). Each sync that changes the catalog empties the
/// caches that depend on it.
struct SyncLoop: Service {
    let sync: CatalogSync
    let app: WebApp
    let logger: Logger

    func run() async throws {
        let app = self.app, logger = self.logger
        await cancelWhenGracefulShutdown {
            await sync.run(log: { logger.info("\($0)") }, onChange: {
                app.neighbours.removeAll()
                await app.facets.invalidate()
            })
        }
    }
}

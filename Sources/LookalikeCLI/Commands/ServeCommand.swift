import ArgumentParser
import Embedding
import Foundation
import Imaging
import Logging
import Search
import Service
import Web

/// `lookalike serve`: the shopper page and the JSON API over one catalog.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the visual search page and the JSON API for a catalog.",
        discussion: "The model is compiled once at start; concurrent queries share it and are embedded in batches. "
            + "POST/DELETE /api/products need the admin key (--admin-key or LOOKALIKE_ADMIN_KEY). "
            + "The API is described at /openapi.json.")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var replica: ReadReplicaOptions
    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .customLong("config"), help: ArgumentHelp("A configuration file (YAML; every flag has a key, `lookalike config check` lists them). Default: $LOOKALIKE_CONFIG, else ./lookalike.yaml, else /etc/lookalike/lookalike.yaml, when one exists. Flags and LOOKALIKE_* environment variables override it; SIGHUP reloads it.", valueName: "file"))
    var config: String?

    @Option(help: "Address to listen on (0.0.0.0 for every interface). Default: 127.0.0.1.")
    var host: String?

    @Option(help: "Port to listen on (0 picks a free one). Default: 8080.")
    var port: Int?

    @Option(name: .customLong("keep-uploads"), help: ArgumentHelp("Keep query photos in this folder, named by content hash (off by default).", valueName: "dir"))
    var keepUploads: String?

    @Option(name: .customLong("admin-key"), help: "Key for POST/DELETE /api/products; prefer $LOOKALIKE_ADMIN_KEY (command lines are visible to other users). None = refused.")
    var adminKey: String?

    @Option(name: .customLong("max-upload-mb"), help: "Largest accepted upload in megabytes. Default: 20.")
    var maxUploadMB: Double?

    @Option(name: .customLong("max-megapixels"), help: "Largest accepted image in megapixels (checked before decoding). Default: 50.")
    var maxMegapixels: Double?

    @Option(help: "Most queries embedded in one model call. Default: 16.")
    var batch: Int?

    @Option(name: .customLong("batch-window-ms"), help: "Extra milliseconds a lone query waits for others to batch with. Default: 0 (none).")
    var batchWindowMs: Double?

    @Option(help: "How vectors are held in memory: int8 (with a scale per vector: the fastest scan; the default), f16 or f32. HNSW holds int8 as f16.")
    var storage: VectorStorage?

    @Option(help: ArgumentHelp("Score: cosine (the default) or euclidean (for comparisons).", visibility: .hidden))
    var metric: VectorMetric = QueryDefaults.metric

    @Option(help: ArgumentHelp("exact, hnsw (kept beside the catalog: catalog.db → catalog.hnsw) or auto (hnsw from \(VectorIndexKind.autoThreshold) products; the default).", valueName: "kind"))
    var index: VectorIndexKind?

    @Option(name: .customLong("shop-name"), help: "Name shown in the page header. Default: Lookalike.")
    var shopName: String?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a connection may stay open with no request in progress (0 = no limit). Default: 30.", valueName: "s"))
    var idleTimeout: Double?

    @Option(name: .customLong("head-timeout"), help: ArgumentHelp("Seconds a request's URL and headers may take to arrive; later is 408 (0 = no limit). Default: 10.", valueName: "s"))
    var headTimeout: Double?

    @Option(name: .customLong("body-timeout"), help: ArgumentHelp("Seconds an upload may take, plus one per 16 kB received; later is 408 (0 = no limit). Default: 60.", valueName: "s"))
    var bodyTimeout: Double?

    @Option(name: .customLong("max-connections"), help: ArgumentHelp("Most connections open at once, kept below the descriptor limit (ulimit -n); a new one replaces the one idle longest, or is closed at once if none is idle (0 = no cap). Default: 512.", valueName: "n"))
    var maxConnections: Int?

    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Searches (POST /api/search, GET /api/products/{id}/similar) per second per client address; more are 429 (0 = off; this machine is exempt). Default: 10.", valueName: "r/s"))
    var rateLimit: Double?

    @Option(name: .customLong("rate-burst"), help: ArgumentHelp("Searches a client address may make at once before --rate-limit applies. Default: 20.", valueName: "n"))
    var rateBurst: Int?

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp("Seconds the work of one request may take before it is answered 503 timeout. Default: 30.", valueName: "seconds"))
    var requestTimeout: Double?

    @Option(name: .customLong("cors-origin"), help: ArgumentHelp("An origin (https://shop.example) whose pages may search from the browser; repeat for more. Admin calls are never open to other origins.", valueName: "origin"))
    var corsOrigins: [String] = []

    @Option(name: .customLong("log-format"), help: ArgumentHelp("text (for people; the default) or json (one object per line, for log collectors).", valueName: "format"))
    var logFormat: LogFormat?

    @Option(name: .customLong("sync"), help: ArgumentHelp("Keep the catalog in step with this feed or catalog source (a path or an http(s) URL, as for `index`): imported now and every --every in the background, new and changed products searchable at once, products it no longer lists removed.", valueName: "source"))
    var sync: String?

    @Option(name: .customLong("every"), help: ArgumentHelp("Time between syncs: 90s, 30m, 1h, 1d. Default: 1h.", valueName: "interval"))
    var every: Interval?

    @Flag(name: .customLong("create"), help: "Create the SQLite catalog if it does not exist, to fill it through POST /api/products (without it a missing --db is an error).")
    var create = false


    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let resolution: ServeSettings.Resolution
        do {
            resolution = try ServeSettings.resolve(self, environment: environment)
        } catch {
            printError("lookalike: \(error.description)")
            throw ExitCode(1)
        }
        let settings = resolution.settings
        if settings.logFormat == .json { LoggingSystem.bootstrap { JSONLogHandler(label: $0) } }
        // Hummingbird drains the requests in flight on SIGINT/SIGTERM; this bounds how long that may take.
        let signals = SignalWatcher(grace: .seconds(10))
        defer { signals.cancel() }
        var catalog = self.catalog
        catalog.db = settings.db
        catalog.images = settings.images
        var modelOptions = self.modelOptions
        modelOptions.model = settings.model
        modelOptions.precision = settings.precision
        modelOptions.threads = settings.threads
        var embedderOptions = try modelOptions.embedderOptions()
        embedderOptions.limits = ImageLimits(maxBytes: Int(settings.maxUploadMB * 1_000_000),
                                             maxPixels: Int(settings.maxMegapixels * 1_000_000))
        embedderOptions.maxBatch = max(embedderOptions.maxBatch, settings.batch)
        let store = try await catalog.open(readDB: settings.readDB, create: settings.create)
        let embedder = try modelOptions.load(with: embedderOptions)
        let service = try await SearchService(store: store, embedder: embedder, storage: settings.storage, metric: metric,
                                              kind: settings.index, hnswFile: catalog.hnswFile, log: { printError("lookalike: \($0)") })
        let options = settings.webOptions(productImages: catalog.assetsDirectory)
        var syncOptions = ImportOptions()
        syncOptions.assetsDirectory = catalog.assetsDirectory
        let sync = settings.syncSource.map {
            CatalogSync(service: service, source: $0, interval: settings.syncEvery.duration, options: syncOptions)
        }
        let server = WebServer(service: service, options: options, sync: sync)
        let reload = ConfigReloader(command: self, running: resolution, live: server.live, environment: environment)
        defer { reload.cancel() }

        printError("lookalike: \(service.count) products in \(catalog.displayName) (\(service.indexKind.rawValue) index), model \(embedder.manifest.name) "
            + "(\(embedder.precisionLabel), compiled in \(String(format: "%.1f", embedder.compileSeconds)) s)"
            + (options.adminKey == nil ? "; admin API off" : "; admin API on")
            + (options.keepUploadsDirectory.map { "; keeping uploads in \($0.path)" } ?? ""))
        if let file = resolution.file { printError("lookalike: settings from \(file) (SIGHUP reloads it)") }
        if let source = settings.syncSource { printError("lookalike: syncing the catalog with \(source) now and every \(settings.syncEvery)") }
        let host = settings.host
        try await server.run { boundPort in
            print("Lookalike is serving at http://\(host.contains(":") ? "[\(host)]" : host):\(boundPort)/")
            flushOutput()
        }
        // Every request is answered and every write committed. The process ends here without running
        // exit-time destructors: the model runtime's and the worker pool's threads are still alive, and
        // tearing down the runtime's static state under them crashed the process now and then (SIGSEGV
        // after a clean drain).
        printError("lookalike: stopped")
        flushOutput()
        _exit(0)
    }
}

/// How `serve` writes its log.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// Human-readable lines.
    case text
    /// One JSON object per line.
    case json
}

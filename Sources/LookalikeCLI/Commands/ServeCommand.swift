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

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("keep-uploads"), help: ArgumentHelp("Keep query photos in this folder, named by content hash (off by default).", valueName: "dir"))
    var keepUploads: String?

    @Option(name: .customLong("admin-key"), help: "Key for POST/DELETE /api/products; prefer $LOOKALIKE_ADMIN_KEY (command lines are visible to other users). None = refused.")
    var adminKey: String?

    @Option(name: .customLong("max-upload-mb"), help: "Largest accepted upload in megabytes.")
    var maxUploadMB = 20.0

    @Option(name: .customLong("max-megapixels"), help: "Largest accepted image in megapixels (checked before decoding).")
    var maxMegapixels = 50.0

    @Option(help: "Most queries embedded in one model call.")
    var batch = 16

    @Option(name: .customLong("batch-window-ms"), help: "Extra milliseconds a lone query waits for others to batch with (0 = none).")
    var batchWindowMs = 0.0

    @Option(help: "How vectors are held in memory: int8 (with a scale per vector: the fastest scan), f16 or f32. HNSW holds int8 as f16.")
    var storage: VectorStorage = QueryDefaults.storage

    @Option(help: ArgumentHelp("Score: cosine (the default) or euclidean (for comparisons).", visibility: .hidden))
    var metric: VectorMetric = QueryDefaults.metric

    @Option(help: ArgumentHelp("exact, hnsw (kept beside the catalog: catalog.db → catalog.hnsw) or auto (hnsw from \(VectorIndexKind.autoThreshold) products).", valueName: "kind"))
    var index: VectorIndexKind = QueryDefaults.index

    @Option(name: .customLong("shop-name"), help: "Name shown in the page header.")
    var shopName = "Lookalike"

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a connection may stay open with no request in progress (0 = no limit).", valueName: "s"))
    var idleTimeout = 30.0

    @Option(name: .customLong("head-timeout"), help: ArgumentHelp("Seconds a request's URL and headers may take to arrive; later is 408 (0 = no limit).", valueName: "s"))
    var headTimeout = 10.0

    @Option(name: .customLong("body-timeout"), help: ArgumentHelp("Seconds an upload may take, plus one per 16 kB received; later is 408 (0 = no limit).", valueName: "s"))
    var bodyTimeout = 60.0

    @Option(name: .customLong("max-connections"), help: ArgumentHelp("Most connections open at once, kept below the descriptor limit (ulimit -n); a new one replaces the one idle longest, or is closed at once if none is idle (0 = no cap).", valueName: "n"))
    var maxConnections = 512

    @Option(name: .customLong("rate-limit"), help: ArgumentHelp("Searches (POST /api/search, GET /api/products/{id}/similar) per second per client address; more are 429 (0 = off; this machine is exempt).", valueName: "r/s"))
    var rateLimit = 10.0

    @Option(name: .customLong("rate-burst"), help: ArgumentHelp("Searches a client address may make at once before --rate-limit applies.", valueName: "n"))
    var rateBurst = 20

    @Option(name: .customLong("request-timeout"), help: ArgumentHelp("Seconds the work of one request may take before it is answered 503 timeout.", valueName: "seconds"))
    var requestTimeout = 30.0

    @Option(name: .customLong("cors-origin"), help: ArgumentHelp("An origin (https://shop.example) whose pages may search from the browser; repeat for more. Admin calls are never open to other origins.", valueName: "origin"))
    var corsOrigins: [String] = []

    @Option(name: .customLong("log-format"), help: ArgumentHelp("text (for people) or json (one object per line, for log collectors).", valueName: "format"))
    var logFormat: LogFormat = .text

    @Flag(name: .customLong("create"), help: "Create the SQLite catalog if it does not exist, to fill it through POST /api/products (without it a missing --db is an error).")
    var create = false

    func run() async throws {
        guard (1 ... 65535).contains(port) || port == 0 else { throw ValidationError("--port must be 0…65535") }
        guard maxUploadMB > 0, maxUploadMB <= 200 else { throw ValidationError("--max-upload-mb must be above 0 and at most 200") }
        guard maxMegapixels > 0, maxMegapixels <= 500 else { throw ValidationError("--max-megapixels must be above 0 and at most 500") }
        guard batch >= 1, batch <= 64 else { throw ValidationError("--batch must be 1…64") }
        guard batchWindowMs >= 0, batchWindowMs <= 100 else { throw ValidationError("--batch-window-ms must be 0…100") }
        for (name, seconds) in [("--idle-timeout", idleTimeout), ("--head-timeout", headTimeout), ("--body-timeout", bodyTimeout)] {
            guard seconds >= 0, seconds <= 86_400 else { throw ValidationError("\(name) must be 0…86400 seconds") }
        }
        guard maxConnections >= 0 else { throw ValidationError("--max-connections must be 0 or more") }
        guard rateLimit >= 0, rateLimit <= 1_000_000 else { throw ValidationError("--rate-limit must be 0…1000000") }
        guard rateBurst >= 1, rateBurst <= 1_000_000 else { throw ValidationError("--rate-burst must be 1…1000000") }
        guard requestTimeout >= 1, requestTimeout <= 3600 else { throw ValidationError("--request-timeout must be 1…3600 seconds") }

        if logFormat == .json { LoggingSystem.bootstrap { JSONLogHandler(label: $0) } }
        // Hummingbird drains the requests in flight on SIGINT/SIGTERM; this bounds how long that may take.
        let signals = SignalWatcher(grace: .seconds(10))
        defer { signals.cancel() }
        var embedderOptions = try modelOptions.embedderOptions()
        embedderOptions.limits = ImageLimits(maxBytes: Int(maxUploadMB * 1_000_000), maxPixels: Int(maxMegapixels * 1_000_000))
        embedderOptions.maxBatch = max(embedderOptions.maxBatch, batch)
        let store = try await catalog.open(readDB: replica.readDB, create: create)
        let embedder = try Embedder(model: modelOptions.model, options: embedderOptions)
        let service = try await SearchService(store: store, embedder: embedder, storage: storage, metric: metric,
                                              kind: index, hnswFile: catalog.hnswFile, log: { printError("lookalike: \($0)") })

        var options = WebOptions()
        options.host = host
        options.port = port
        options.maxUploadBytes = Int(maxUploadMB * 1_000_000)
        options.keepUploadsDirectory = keepUploads.map { URL(fileURLWithPath: $0).standardized }
        options.productImagesDirectory = catalog.assetsDirectory
        options.adminKey = adminKey ?? ProcessInfo.processInfo.environment["LOOKALIKE_ADMIN_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        options.batching.maxBatch = batch
        options.batching.window = .microseconds(Int(batchWindowMs * 1000))
        options.shopName = shopName
        options.connections.idleTimeout = Self.duration(idleTimeout)
        options.connections.headTimeout = Self.duration(headTimeout)
        options.connections.bodyTimeout = Self.duration(bodyTimeout)
        options.connections.maxConnections = maxConnections
        options.rateLimit.requestsPerSecond = rateLimit
        options.rateLimit.burst = rateBurst
        options.workBudget = .milliseconds(Int(requestTimeout * 1000))
        for origin in corsOrigins {
            guard let url = URL(string: origin), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                  url.path.isEmpty, url.query == nil else {
                throw ValidationError("--cors-origin takes an origin such as https://shop.example (scheme, host and port only), got '\(origin)'")
            }
        }
        options.corsOrigins = corsOrigins

        printError("lookalike: \(service.count) products in \(catalog.displayName) (\(service.indexKind.rawValue) index), model \(embedder.manifest.name) "
            + "(\(embedder.precision.rawValue), compiled in \(String(format: "%.1f", embedder.compileSeconds)) s)"
            + (options.adminKey == nil ? "; admin API off" : "; admin API on")
            + (options.keepUploadsDirectory.map { "; keeping uploads in \($0.path)" } ?? ""))
        let host = self.host
        try await WebServer(service: service, options: options).run { boundPort in
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

    /// `seconds` as a deadline; 0 is none.
    static func duration(_ seconds: Double) -> Duration? {
        seconds > 0 ? .milliseconds(Int((seconds * 1000).rounded())) : nil
    }
}

/// How `serve` writes its log.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// Human-readable lines.
    case text
    /// One JSON object per line.
    case json
}

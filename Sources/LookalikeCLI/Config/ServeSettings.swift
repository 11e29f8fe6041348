import ArgumentParser
import Embedding
import Foundation
import Search
import Service
import Web

/// Every setting of `lookalike serve`, resolved from its flags, the environment and the configuration file
/// (in that order of precedence) and checked. `config check` prints them; SIGHUP resolves them again.
struct ServeSettings: Sendable, Equatable {
    var host = "127.0.0.1"
    var port = 8080
    var shopName = "Lookalike"
    var logFormat = LogFormat.text
    var db = CatalogOptions.defaultDB
    var images: String?
    var readDB: String?
    var create = false
    var model = ModelLocator.defaultModel
    var precision = Precision.auto
    var threads = 0
    var storage = QueryDefaults.storage
    var index = QueryDefaults.index
    var batch = 16
    var batchWindowMs = 0.0
    var maxUploadMB = 20.0
    var maxMegapixels = 50.0
    var keepUploads: String?
    var idleTimeout = 30.0
    var headTimeout = 10.0
    var bodyTimeout = 60.0
    var requestTimeout = 30.0
    var maxConnections = 512
    var rateLimit = 10.0
    var rateBurst = 20
    var corsOrigins: [String] = []
    var adminKey: String?
    var syncSource: String?
    var syncEvery = Interval(seconds: 3_600)

    /// The keys, in the order `config check` prints them.
    enum Keys {
        static let host = ConfigKey("server.host", flag: "--host")
        static let port = ConfigKey("server.port", flag: "--port")
        static let shopName = ConfigKey("server.shop_name", flag: "--shop-name", reloadable: true)
        static let logFormat = ConfigKey("server.log_format", flag: "--log-format")
        static let db = ConfigKey("catalog.db", flag: "--db", databaseURL: true)
        static let images = ConfigKey("catalog.images", flag: "--images")
        static let readDB = ConfigKey("catalog.read_db", flag: "--read-db", databaseURL: true)
        static let create = ConfigKey("catalog.create", flag: "--create")
        static let model = ConfigKey("model.name", flag: "--model")
        static let precision = ConfigKey("model.precision", flag: "--precision")
        static let threads = ConfigKey("model.threads", flag: "--threads")
        static let storage = ConfigKey("search.storage", flag: "--storage")
        static let index = ConfigKey("search.index", flag: "--index")
        static let batch = ConfigKey("search.batch", flag: "--batch")
        static let batchWindowMs = ConfigKey("search.batch_window_ms", flag: "--batch-window-ms")
        static let maxUploadMB = ConfigKey("uploads.max_upload_mb", flag: "--max-upload-mb")
        static let maxMegapixels = ConfigKey("uploads.max_megapixels", flag: "--max-megapixels")
        static let keepUploads = ConfigKey("uploads.keep_uploads", flag: "--keep-uploads")
        static let idleTimeout = ConfigKey("limits.idle_timeout", flag: "--idle-timeout")
        static let headTimeout = ConfigKey("limits.head_timeout", flag: "--head-timeout")
        static let bodyTimeout = ConfigKey("limits.body_timeout", flag: "--body-timeout")
        static let requestTimeout = ConfigKey("limits.request_timeout", flag: "--request-timeout", reloadable: true)
        static let maxConnections = ConfigKey("limits.max_connections", flag: "--max-connections")
        static let rateLimit = ConfigKey("rate_limit.per_second", flag: "--rate-limit", reloadable: true)
        static let rateBurst = ConfigKey("rate_limit.burst", flag: "--rate-burst", reloadable: true)
        static let corsOrigins = ConfigKey("cors.origins", flag: "--cors-origin", reloadable: true)
        static let adminKey = ConfigKey("admin.key", flag: "--admin-key", reloadable: true, secret: true)
        static let syncSource = ConfigKey("sync.source", flag: "--sync", databaseURL: true)
        static let syncEvery = ConfigKey("sync.every", flag: "--every")

        static let all: [ConfigKey] = [
            host, port, shopName, logFormat, db, images, readDB, create, model, precision, threads, storage, index,
            batch, batchWindowMs, maxUploadMB, maxMegapixels, keepUploads, idleTimeout, headTimeout, bodyTimeout,
            requestTimeout, maxConnections, rateLimit, rateBurst, corsOrigins, adminKey, syncSource, syncEvery,
        ]
        static let names = Set(all.map(\.name))
    }

    /// The settings and where each came from.
    struct Resolution: Sendable {
        let settings: ServeSettings
        let rows: [ResolvedSetting]
        /// The file read, if any.
        let file: String?
    }

    /// Resolves `command`'s settings: its flags, then `environment`, then the configuration file it names or
    /// the conventional one, then the defaults; and checks every value.
    static func resolve(_ command: ServeCommand, environment: [String: String]) throws(ConfigError) -> Resolution {
        var file: ConfigFile?
        if let (path, required) = ConfigFile.locate(explicit: command.config, environment: environment) {
            if required || FileManager.default.fileExists(atPath: path) {
                file = try ConfigFile(path: path, knownKeys: Keys.names)
            }
        }
        var r = SettingResolver(file: file, environment: environment)
        var s = ServeSettings()
        s.host = try r.value(Keys.host, flag: command.host, default: s.host)
        s.port = try r.value(Keys.port, flag: command.port, default: s.port)
        s.shopName = try r.value(Keys.shopName, flag: command.shopName, default: s.shopName)
        s.logFormat = try r.value(Keys.logFormat, flag: command.logFormat, default: s.logFormat)
        s.db = try r.value(Keys.db, flag: command.catalog.dbArgument, default: s.db)
        s.images = try r.optional(Keys.images, flag: command.catalog.images)
        s.readDB = try r.optional(Keys.readDB, flag: command.replica.readDB)
        s.create = try r.value(Keys.create, flag: command.create ? true : nil, default: s.create)
        s.model = try r.value(Keys.model, flag: command.modelOptions.modelArgument, default: s.model)
        s.precision = try r.value(Keys.precision, flag: command.modelOptions.precisionArgument, default: s.precision)
        s.threads = try r.value(Keys.threads, flag: command.modelOptions.threadsArgument, default: s.threads)
        s.storage = try r.value(Keys.storage, flag: command.storage, default: s.storage)
        s.index = try r.value(Keys.index, flag: command.index, default: s.index)
        s.batch = try r.value(Keys.batch, flag: command.batch, default: s.batch)
        s.batchWindowMs = try r.value(Keys.batchWindowMs, flag: command.batchWindowMs, default: s.batchWindowMs)
        s.maxUploadMB = try r.value(Keys.maxUploadMB, flag: command.maxUploadMB, default: s.maxUploadMB)
        s.maxMegapixels = try r.value(Keys.maxMegapixels, flag: command.maxMegapixels, default: s.maxMegapixels)
        s.keepUploads = try r.optional(Keys.keepUploads, flag: command.keepUploads)
        s.idleTimeout = try r.value(Keys.idleTimeout, flag: command.idleTimeout, default: s.idleTimeout)
        s.headTimeout = try r.value(Keys.headTimeout, flag: command.headTimeout, default: s.headTimeout)
        s.bodyTimeout = try r.value(Keys.bodyTimeout, flag: command.bodyTimeout, default: s.bodyTimeout)
        s.requestTimeout = try r.value(Keys.requestTimeout, flag: command.requestTimeout, default: s.requestTimeout)
        s.maxConnections = try r.value(Keys.maxConnections, flag: command.maxConnections, default: s.maxConnections)
        s.rateLimit = try r.value(Keys.rateLimit, flag: command.rateLimit, default: s.rateLimit)
        s.rateBurst = try r.value(Keys.rateBurst, flag: command.rateBurst, default: s.rateBurst)
        s.corsOrigins = try r.list(Keys.corsOrigins, flag: command.corsOrigins)
        s.adminKey = try r.optional(Keys.adminKey, flag: command.adminKey)
        if s.adminKey?.isEmpty == true { s.adminKey = nil }
        s.syncSource = try r.optional(Keys.syncSource, flag: command.sync)
        s.syncEvery = try r.value(Keys.syncEvery, flag: command.every, default: s.syncEvery)
        try s.check()
        return Resolution(settings: s, rows: r.resolved, file: file?.path)
    }

    /// Refuses values out of range, naming the key and its flag.
    func check() throws(ConfigError) {
        func require(_ condition: Bool, _ key: ConfigKey, _ rule: String, _ value: Any) throws(ConfigError) {
            guard condition else { throw ConfigError("\(key.name) (\(key.flag)) \(rule), got \(value)") }
        }
        try require((0 ... 65535).contains(port), Keys.port, "must be 0…65535", port)
        try require(maxUploadMB > 0 && maxUploadMB <= 200, Keys.maxUploadMB, "must be above 0 and at most 200", maxUploadMB)
        try require(maxMegapixels > 0 && maxMegapixels <= 500, Keys.maxMegapixels, "must be above 0 and at most 500", maxMegapixels)
        try require((1 ... 64).contains(batch), Keys.batch, "must be 1…64", batch)
        try require(batchWindowMs >= 0 && batchWindowMs <= 100, Keys.batchWindowMs, "must be 0…100", batchWindowMs)
        for (key, seconds) in [(Keys.idleTimeout, idleTimeout), (Keys.headTimeout, headTimeout), (Keys.bodyTimeout, bodyTimeout)] {
            try require(seconds >= 0 && seconds <= 86_400, key, "must be 0…86400 seconds", seconds)
        }
        try require(maxConnections >= 0, Keys.maxConnections, "must be 0 or more", maxConnections)
        try require(rateLimit >= 0 && rateLimit <= 1_000_000, Keys.rateLimit, "must be 0…1000000", rateLimit)
        try require((1 ... 1_000_000).contains(rateBurst), Keys.rateBurst, "must be 1…1000000", rateBurst)
        try require(requestTimeout >= 1 && requestTimeout <= 3600, Keys.requestTimeout, "must be 1…3600 seconds", requestTimeout)
        try require(threads >= 0, Keys.threads, "must be 0 or more", threads)
        try require(syncEvery.seconds >= 10 && syncEvery.seconds <= 30 * 86_400, Keys.syncEvery, "must be 10s…30d", syncEvery)
        for origin in corsOrigins {
            let url = URL(string: origin)
            try require(url.map { ["http", "https"].contains($0.scheme ?? "") && $0.host != nil && $0.path.isEmpty && $0.query == nil } ?? false,
                        Keys.corsOrigins, "takes origins such as https://shop.example (scheme, host and port only)", "'\(origin)'")
        }
    }

    /// The web server's options.
    func webOptions(productImages: URL) -> WebOptions {
        var options = WebOptions()
        options.host = host
        options.port = port
        options.maxUploadBytes = Int(maxUploadMB * 1_000_000)
        options.keepUploadsDirectory = keepUploads.map { URL(fileURLWithPath: $0).standardized }
        options.productImagesDirectory = productImages
        options.adminKey = adminKey
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
        options.corsOrigins = corsOrigins
        return options
    }

    /// The keys whose values differ between `self` and `other`.
    func changedKeys(from other: ServeSettings, in rows: [ResolvedSetting], _ otherRows: [ResolvedSetting]) -> [String] {
        let mine = Dictionary(rows.map { ($0.key, $0.shown) }, uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(otherRows.map { ($0.key, $0.shown) }, uniquingKeysWith: { a, _ in a })
        return Keys.all.map(\.name).filter { mine[$0] != theirs[$0] || ($0 == Keys.adminKey.name && adminKey != other.adminKey) }
    }

    /// `seconds` as a deadline; 0 is none.
    static func duration(_ seconds: Double) -> Duration? {
        seconds > 0 ? .milliseconds(Int((seconds * 1000).rounded())) : nil
    }
}

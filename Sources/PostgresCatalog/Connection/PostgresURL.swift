import Foundation
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database?options` URL.
///
/// Options: `sslmode=disable|prefer|require` (default `prefer`), `pool=N` (most connections, default 20),
/// `ef_search=N` (pgvector's HNSW candidate list, default 100), `exact_filter_limit=N` (a filtered search
/// whose filter matches at most N products scans them exactly instead of walking the HNSW graph, default
/// 10000; 0 always walks the graph), `schema=NAME` (keep the catalog in this schema, created if missing;
/// several catalogs can share one database), `statement_timeout=SECONDS` (the server cancels a statement
/// after it, and the client gives up 10 s later, default 30; graph builds and whole-model loads may take
/// `bulk_timeout=SECONDS`, default 14400).
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// Host name or address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// User name.
    public var username: String
    /// Password, if the URL has one.
    public var password: String?
    /// Database name.
    public var database: String
    /// `disable`, `prefer` or `require`.
    public var sslMode: String
    /// Most connections in the pool.
    public var maximumConnections: Int
    /// pgvector's `hnsw.ef_search` for every connection.
    public var efSearch: Int
    /// A filtered search whose filter matches at most this many products is an exact scan of them.
    public var exactFilterLimit: Int
    /// The schema holding the catalog's tables (nil: the database's default, usually `public`).
    public var schema: String?
    /// How long the server lets one ordinary statement run (`statement_timeout`).
    public var statementTimeout: Duration
    /// How long a bulk operation (an HNSW build, loading a whole model's vectors) may run.
    public var bulkTimeout: Duration

    /// How long the client waits for an ordinary statement, connecting included: the server's
    /// `statement_timeout` and 10 s for the connection and the network.
    public var statementDeadline: Duration { statementTimeout + .seconds(10) }
    /// How long the client waits for one ordinary transaction (a batch of products is a handful of statements,
    /// each allowed `statementTimeout`).
    public var transactionDeadline: Duration { statementTimeout * 4 + .seconds(10) }
    /// `statement_timeout` in the server's unit.
    var statementTimeoutMilliseconds: Int64 { statementTimeout.components.seconds * 1000 }

    /// Whether `string` looks like a PostgreSQL URL (and not a file path).
    public static func isPostgresURL(_ string: String) -> Bool {
        string.hasPrefix("postgres://") || string.hasPrefix("postgresql://")
    }

    /// Parses the URL; throws `PostgresStoreError.invalidURL` with the reason.
    public init(_ string: String) throws {
        guard Self.isPostgresURL(string), let components = URLComponents(string: string) else {
            throw PostgresStoreError.invalidURL(Self.redact(string), reason: "expected postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError.invalidURL(Self.redact(string), reason: "no host")
        }
        self.host = host
        port = components.port ?? 5432
        username = components.user?.removingPercentEncoding ?? "postgres"
        password = components.password?.removingPercentEncoding
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? username
        var sslMode = "prefer", pool = 20, efSearch = 100, exactFilterLimit = 10_000, schema: String?
        var statementTimeout = 30, bulkTimeout = 14_400
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            /// The option's value as a whole number in `range`, or the error that names both.
            func number(_ range: ClosedRange<Int>, _ unit: String = "") throws -> Int {
                guard let n = Int(value), range.contains(n) else {
                    throw PostgresStoreError.invalidURL(Self.redact(string), reason: "\(item.name) must be \(range.lowerBound)…\(range.upperBound)\(unit)")
                }
                return n
            }
            switch item.name {
            case "sslmode":
                guard ["disable", "prefer", "require"].contains(value) else {
                    throw PostgresStoreError.invalidURL(Self.redact(string), reason: "sslmode must be disable, prefer or require")
                }
                sslMode = value
            case "pool":
                pool = try number(1 ... 1000)
            case "ef_search":
                efSearch = try number(1 ... 1000)
            case "exact_filter_limit":
                exactFilterLimit = try number(0 ... 10_000_000)
            case "schema":
                let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_")
                guard value.count <= 63, value.allSatisfy(allowed.contains), value.first.map({ !$0.isNumber }) == true else {
                    throw PostgresStoreError.invalidURL(Self.redact(string), reason: "schema must be 1…63 of a-z, 0-9, _ (not starting with a digit)")
                }
                schema = value
            case "statement_timeout":
                statementTimeout = try number(1 ... 86_400, " seconds")
            case "bulk_timeout":
                bulkTimeout = try number(1 ... 604_800, " seconds")
            default:
                throw PostgresStoreError.invalidURL(Self.redact(string), reason: "unknown option \(item.name) (known: sslmode, pool, "
                    + "ef_search, exact_filter_limit, schema, statement_timeout, bulk_timeout)")
            }
        }
        self.sslMode = sslMode
        maximumConnections = pool
        self.efSearch = efSearch
        self.exactFilterLimit = exactFilterLimit
        self.schema = schema
        self.statementTimeout = .seconds(statementTimeout)
        self.bulkTimeout = .seconds(bulkTimeout)
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        "postgres://\(username)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }

    /// `string` with any password replaced by `***`.
    public static func redact(_ string: String) -> String {
        guard var components = URLComponents(string: string), components.password != nil else { return string }
        components.password = "***"
        return components.string ?? "postgres://***"
    }

    /// The PostgresNIO client configuration for this URL.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                         database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.additionalStartupParameters = [("application_name", "lookalike")]
        return configuration
    }
}

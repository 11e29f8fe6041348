import Catalog
import Foundation
import PostgresNIO
import Synchronization

/// A `CatalogStore` in PostgreSQL with pgvector: products, attributes, import runs and settings in plain
/// tables, vectors as `halfvec` tagged by model key with one HNSW index per model key, and nearest-neighbour
/// search in the database (`DatabaseVectorSearch`), metadata filters in the same SQL.
///
/// Connections come from PostgresNIO pools: one for the primary (every write, and reads that must see
/// them) and optionally one for a read replica, which then answers the vector searches. Several
/// processes can share one database; the schema is migrated under an advisory lock.
public final class PostgresCatalogStore: CatalogStore, DatabaseVectorSearch, @unchecked Sendable {
    /// The primary's URL (without password in its description).
    public let url: PostgresURL
    /// The read replica's URL, if searches go to one.
    public let readURL: PostgresURL?
    let client: PostgresClient
    let reader: PostgresClient
    let logger: Logger
    let models = ModelCache()
    private let runTask: Task<Void, Never>

    /// Connects to `url` (and to `readURL` for searches, if given), creates the pgvector extension if
    /// missing and brings the schema up to date.
    public init(url: String, readURL: String? = nil) async throws {
        let primary = try PostgresURL(url)
        let replica = try readURL.map(PostgresURL.init)
        self.url = primary
        self.readURL = replica
        var logger = Logger(label: "lookalike.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let client = PostgresClient(configuration: Self.configuration(primary), backgroundLogger: logger)
        let reader = replica.map { PostgresClient(configuration: Self.configuration($0), backgroundLogger: logger) } ?? client
        self.client = client
        self.reader = reader
        let separateReader = replica != nil
        runTask = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                if separateReader { group.addTask { await reader.run() } }
            }
        }
        do {
            // One plain connection first: a wrong address, password or database fails at once with the
            // server's reason, where the pool would keep retrying.
            try await Self.probe(primary, logger: logger)
            if let replica { try await Self.probe(replica, logger: logger) }
            try await Self.opening(primary) { try await self.migrate() }
            if let replica {
                try await Self.opening(replica) {
                    try await self.read("connecting to the read replica", "SELECT 1", on: reader)
                }
            }
        } catch {
            runTask.cancel()
            throw error
        }
    }

    /// Opens and closes one connection to `url`; throws `cannotOpen` with the reason if that fails.
    static func probe(_ url: PostgresURL, logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database,
            tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        do {
            if url.sslMode != "disable" {
                let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                configuration.tls = url.sslMode == "require" ? .require(context) : .prefer(context)
            }
            let settings = configuration
            try await withDeadline(url.statementDeadline, expired: {
                CatalogStoreError.cannotOpen(path: url.description, reason: "no answer within \(seconds(url.statementDeadline))")
            }) {
                let connection = try await PostgresConnection.connect(configuration: settings, id: 0, logger: logger)
                try await connection.close()
            }
        } catch let error as CatalogStoreError {
            throw error
        } catch {
            throw CatalogStoreError.cannotOpen(path: url.description, reason: postgresReason(error))
        }
    }

    /// Runs `body`, turning a failure of the first statements on `server` into `cannotOpen`.
    static func opening(_ server: PostgresURL, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch CatalogStoreError.database(_, let reason) {
            throw CatalogStoreError.cannotOpen(path: server.description, reason: reason)
        }
    }

    deinit { runTask.cancel() }

    /// Closes every connection (waiting at most a few seconds for a server that does not answer); the store
    /// cannot be used afterwards.
    public func close() async {
        runTask.cancel()
        let runTask = self.runTask
        _ = try? await withDeadline(.seconds(5), expired: { CancellationError() }) { await runTask.value }
    }

    static func configuration(_ url: PostgresURL) -> PostgresClient.Configuration {
        var configuration = url.clientConfiguration()
        // pgvector settings for every connection: a wider HNSW candidate list than the default 40, and
        // iterative scans so filtered queries keep walking the graph until they have k results.
        configuration.options.additionalStartupParameters.append(
            ("options", "-c hnsw.ef_search=\(url.efSearch) -c hnsw.iterative_scan=relaxed_order"
                + " -c statement_timeout=\(url.statementTimeoutMilliseconds)"
                + (url.schema.map { " -c search_path=\($0),public" } ?? "")))
        return configuration
    }

    // MARK: - Database access with deadlines and readable errors

    /// Runs one statement on the primary (or `client`) and returns all its rows. `retry`: the statement only
    /// reads, so it is tried again (within its deadline) after a dropped connection or a server restart.
    @discardableResult
    func query(_ operation: String, _ query: PostgresQuery, on client: PostgresClient? = nil,
               retry: Bool = false) async throws -> [PostgresRow] {
        let client = client ?? self.client
        let logger = self.logger
        return try await guarded(operation, on: client, retry: retry, limit: url.statementDeadline) {
            try await client.query(query, logger: logger).collect()
        }
    }

    /// Runs one read-only statement on the primary (or `client`), tried again after a transient failure.
    @discardableResult
    func read(_ operation: String, _ query: PostgresQuery, on client: PostgresClient? = nil) async throws -> [PostgresRow] {
        try await self.query(operation, query, on: client, retry: true)
    }

    /// Runs `body` in one transaction on a primary connection: committed if it returns, rolled back if it
    /// throws. The whole transaction has `url.transactionDeadline` (a `bulk` one — a graph build, a whole
    /// model's vectors — `url.bulkTimeout`); past it the connection is closed, so the server rolls the
    /// transaction back, and work whose caller gave up is never committed.
    func transaction<T: Sendable>(_ operation: String, bulk: Bool = false,
                                  _ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let logger = self.logger
        let client = self.client
        let limit = bulk ? url.bulkTimeout : url.transactionDeadline
        let timeout = bulk ? "SET LOCAL statement_timeout = \(Int(url.bulkTimeout.components.seconds) * 1000)" : nil
        let leased = LeasedConnection()
        return try await guarded(operation, on: client, retry: false, limit: limit, onExpiry: { leased.close() }) {
            try await client.withConnection { connection in
                leased.set(connection)
                defer { leased.set(nil) }
                try await connection.query("BEGIN", logger: logger)
                do {
                    if let timeout { try await connection.query(PostgresQuery(unsafeSQL: timeout), logger: logger) }
                    let value = try await body(connection)
                    try Task.checkCancellation()  // the caller gave up: roll back instead
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    await Self.rollBack(connection, logger: logger)
                    throw error
                }
            }
        }
    }

    /// Ends a failed transaction so the connection can go back to the pool: ROLLBACK, within 5 s, from a task
    /// that is not cancelled; when that cannot be done (the connection is closed, the caller was cancelled,
    /// the server does not answer), the connection is closed instead and the server rolls back by itself.
    /// (Never a statement on a closed connection: PostgresNIO would wait forever for its answer.)
    static func rollBack(_ connection: PostgresConnection, logger: Logger) async {
        guard !connection.isClosed else { return }
        let rolledBack = await Task {
            (try? await withDeadline(.seconds(5), expired: { CancellationError() }) {
                try await connection.query("ROLLBACK", logger: logger)
                return true
            }) ?? false
        }.value
        if !rolledBack || Task.isCancelled { try? await connection.close() }
    }

    /// Runs `body` against `client`'s server within `limit` (retries included), wording any failure as a
    /// failed `operation` on that server; `onExpiry` runs when the deadline passes. With `retry`, a transient
    /// failure (dropped connection, server restarting or in recovery, a replica's conflict with recovery) is
    /// tried again after a short pause while the deadline allows.
    func guarded<T: Sendable>(_ operation: String, on client: PostgresClient, retry: Bool, limit: Duration,
                              onExpiry: (@Sendable () -> Void)? = nil,
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let server = client === reader && readURL != nil ? readURL ?? url : url
        let started = ContinuousClock.now
        var attempt = 0
        while true {
            do {
                let left = limit - (ContinuousClock.now - started)
                return try await withDeadline(left, expired: {
                    onExpiry?()
                    return CatalogStoreError.database(operation: operation, reason: "\(server) did not answer within \(Self.seconds(limit)) "
                        + "(is it running, reachable and out of recovery?)")
                }, body)
            } catch let error as CatalogStoreError {
                throw error
            } catch let error as PostgresStoreError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                attempt += 1
                let pause = Duration.milliseconds(250 * (1 << min(attempt, 4)))
                if retry, attempt <= 4, isTransient(error), ContinuousClock.now - started + pause < limit {
                    try await Task.sleep(for: pause)
                    continue
                }
                throw CatalogStoreError.database(operation: operation, reason: "\(server): \(postgresReason(error))")
            }
        }
    }

    /// "30 s", for messages.
    static func seconds(_ duration: Duration) -> String { "\(duration.components.seconds) s" }
}

extension PostgresConnection {
    /// Runs one statement and returns all its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}

/// The connection a transaction is running on, so its deadline can close it.
final class LeasedConnection: Sendable {
    private let connection = Mutex<PostgresConnection?>(nil)

    func set(_ leased: PostgresConnection?) { connection.withLock { $0 = leased } }

    /// Closes the connection, if one is leased: its statement ends and the server rolls the transaction back.
    func close() {
        guard let leased = connection.withLock({ $0 }) else { return }
        let _: EventLoopFuture<Void> = leased.close()
    }
}

/// Model key → (row id, dimension) of the `models` table, cached: searches need both in their SQL text.
final class ModelCache: Sendable {
    private let models = Mutex<[String: StoredModel]>([:])

    func get(_ key: String) -> StoredModel? { models.withLock { $0[key] } }
    func set(_ key: String, _ model: StoredModel?) { models.withLock { $0[key] = model } }
}

/// A row of the `models` table.
struct StoredModel: Sendable, Hashable {
    /// Row id, used in the partial HNSW index's predicate.
    var id: Int
    /// Length of every vector of the model.
    var dimension: Int

    /// Name of the model's HNSW index (cosine distance).
    var indexName: String { "vectors_hnsw_cosine_\(id)" }
}

import Catalog
import Foundation
import PostgresNIO

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
            try await Self.within(seconds: 30, server: primary) { try await self.migrate() }
            if let replica {
                try await Self.within(seconds: 30, server: replica) {
                    _ = try await self.query("connecting to the read replica", "SELECT 1", on: reader)
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
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw CatalogStoreError.cannotOpen(path: url.description, reason: postgresReason(error))
        }
    }

    /// Runs `body`, turning a failure to connect (or no answer within `seconds`) into `cannotOpen`.
    static func within(seconds: Double, server: PostgresURL, _ body: @escaping @Sendable () async throws -> Void) async throws {
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask { try await body(); return true }
                group.addTask { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)); return false }
                defer { group.cancelAll() }
                if try await group.next() != true {
                    throw CatalogStoreError.cannotOpen(path: server.description, reason: "no answer within \(Int(seconds)) s")
                }
            }
        } catch CatalogStoreError.database(_, let reason) {
            throw CatalogStoreError.cannotOpen(path: server.description, reason: reason)
        }
    }

    deinit { runTask.cancel() }

    /// Closes every connection; the store cannot be used afterwards.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    static func configuration(_ url: PostgresURL) -> PostgresClient.Configuration {
        var configuration = url.clientConfiguration()
        // pgvector settings for every connection: a wider HNSW candidate list than the default 40, and
        // iterative scans so filtered queries keep walking the graph until they have k results.
        configuration.options.additionalStartupParameters.append(
            ("options", "-c hnsw.ef_search=\(url.efSearch) -c hnsw.iterative_scan=relaxed_order"
                + (url.schema.map { " -c search_path=\($0),public" } ?? "")))
        return configuration
    }

    // MARK: - Database access with readable errors

    /// Runs one statement on the primary (or `client`) and returns all its rows.
    @discardableResult
    func query(_ operation: String, _ query: PostgresQuery, on client: PostgresClient? = nil) async throws -> [PostgresRow] {
        try await readableErrors(operation) { try await (client ?? self.client).query(query, logger: logger).collect() }
    }

    /// Runs `body` in one transaction on a primary connection: committed if it returns, rolled back if it throws.
    func transaction<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await readableErrors(operation) {
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let value = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return value
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// Runs `body`, letting the store's own errors through and wording any other as a failed `operation`.
    func readableErrors<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CatalogStoreError {
            throw error
        } catch let error as PostgresStoreError {
            throw error
        } catch {
            throw CatalogStoreError.database(operation: operation, reason: postgresReason(error))
        }
    }
}

extension PostgresConnection {
    /// Runs one statement and returns all its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}

/// Model key → (row id, dimension) of the `models` table, cached: searches need both in their SQL text.
final class ModelCache: @unchecked Sendable {
    private var models: [String: StoredModel] = [:]
    private let lock = NSLock()

    func get(_ key: String) -> StoredModel? { lock.withLock { models[key] } }
    func set(_ key: String, _ model: StoredModel?) { lock.withLock { models[key] = model } }
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

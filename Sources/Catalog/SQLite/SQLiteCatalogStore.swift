import Foundation
import GRDB

/// A `CatalogStore` in one SQLite file (WAL mode, `synchronous=NORMAL`), through a GRDB `DatabasePool`.
public final class SQLiteCatalogStore: CatalogStore {
    /// Path of the database file.
    public let path: String
    let pool: DatabasePool
    /// The file opened (device and inode): writes are refused once `path` names another file or none.
    let identity: FileIdentity?

    /// Opens (creating if needed) the catalog at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw CatalogStoreError.cannotOpen(path: path, reason: "the folder \(folder) does not exist")
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = Self.migrator
            let (superseded, applied) = try pool.read { db in
                (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db))
            }
            if superseded {
                let known = Set(migrator.migrations)
                throw CatalogStoreError.schemaTooNew(path: path, unknownMigrations: applied.subtracting(known).sorted())
            }
            try migrator.migrate(pool)
            identity = FileIdentity(path: path)
        } catch let error as CatalogStoreError {
            throw error
        } catch let error as DatabaseError {
            throw CatalogStoreError.cannotOpen(path: path, reason: Self.reason(error))
        } catch {
            throw CatalogStoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    // MARK: - Database access with readable errors

    /// Runs `body` in a write transaction, turning SQLite errors into `CatalogStoreError.database`.
    /// Refuses (`fileReplaced`) when the file was deleted or replaced since it was opened: SQLite would go on
    /// writing to the unlinked file and every write would be lost.
    func write<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let identity, FileIdentity(path: path) != identity { throw CatalogStoreError.fileReplaced(path: path) }
        do {
            return try await pool.write(body)
        } catch let error as DatabaseError {
            throw CatalogStoreError.database(operation: operation, reason: Self.reason(error))
        }
    }

    /// Runs `body` in a read transaction, turning SQLite errors into `CatalogStoreError.database`.
    func read<T: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let error as DatabaseError {
            throw CatalogStoreError.database(operation: operation, reason: Self.reason(error))
        }
    }

    static func reason(_ error: DatabaseError) -> String {
        error.message ?? "\(error.resultCode)"
    }

    // MARK: - Products

    /// The product with this id, or nil.
    public func product(id: String) async throws -> Product? {
        try await products(ids: [id]).first
    }

    /// The products with these ids that exist, in the order of `ids`.
    public func products(ids: [String]) async throws -> [Product] {
        let found = try await read("reading products") { db -> [String: Product] in
            var found: [String: Product] = [:]
            for chunk in ids.chunked(by: 500) {
                let marks = databaseQuestionMarks(count: chunk.count)
                let rows = try Row.fetchAll(db, sql: """
                    SELECT id, title, image_path, content_hash, created_at, updated_at
                    FROM products WHERE id IN (\(marks))
                    """, arguments: StatementArguments(chunk))
                for row in rows {
                    let product = Product(id: row["id"], title: row["title"], imagePath: row["image_path"],
                                          contentHash: row["content_hash"], createdAt: row["created_at"],
                                          updatedAt: row["updated_at"])
                    found[product.id] = product
                }
                let attributes = try Row.fetchAll(db, sql: """
                    SELECT product_id, key, value FROM product_attributes WHERE product_id IN (\(marks))
                    """, arguments: StatementArguments(chunk))
                for row in attributes {
                    let id: String = row["product_id"]
                    found[id]?.attributes[row["key"]] = row["value"]
                }
                for (id, images) in try Self.images(of: chunk, in: db) { found[id]?.images = images }
            }
            return found
        }
        return ids.compactMap { found[$0] }
    }

    /// Removes products with their attributes and vectors; returns how many existed.
    public func remove(ids: [String]) async throws -> Int {
        try await write("removing products") { db in
            var removed = 0
            for chunk in ids.chunked(by: 500) {
                try db.execute(sql: "DELETE FROM products WHERE id IN (\(databaseQuestionMarks(count: chunk.count)))",
                               arguments: StatementArguments(chunk))
                removed += db.changesCount
            }
            return removed
        }
    }

    /// Those of `paths` that some product's image path still names.
    public func imagePathsInUse(_ paths: [String]) async throws -> Set<String> {
        try await read("looking up image paths") { db in
            var used = Set<String>()
            for chunk in paths.chunked(by: 500) {
                let marks = databaseQuestionMarks(count: chunk.count)
                let sql = """
                    SELECT image_path FROM products WHERE image_path IN (\(marks))
                    UNION SELECT image_path FROM product_images WHERE image_path IN (\(marks))
                    """
                used.formUnion(try String.fetchAll(db, sql: sql, arguments: StatementArguments(chunk + chunk)))
            }
            return used
        }
    }

    /// Every product id, sorted.
    public func allProductIDs() async throws -> [String] {
        try await read("listing product ids") { db in
            try String.fetchAll(db, sql: "SELECT id FROM products ORDER BY id")
        }
    }

    /// Number of products.
    public func count() async throws -> Int {
        try await read("counting products") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM products") ?? 0
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0 ..< Swift.min($0 + size, count)] }
    }
}

/// Which file a path names: device and inode, as `stat` gives them.
struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    /// The identity of the file at `path`, nil if there is none.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

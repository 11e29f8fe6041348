import Foundation
import GRDB

/// What a backup or a restore wrote.
public struct CatalogBackupSummary: Sendable, Equatable {
    /// Products in the copy.
    public var products: Int
    /// Size of the copy in bytes.
    public var bytes: Int
}

extension SQLiteCatalogStore {
    /// Copies the catalog to `destination` while it stays open for reading and writing elsewhere.
    ///
    /// The copy is SQLite's online backup of one read transaction, so it holds every write committed
    /// before the backup began and none that came during it; writers are not held up. It is written
    /// beside `destination`, checked with `PRAGMA integrity_check`, then renamed into place, so
    /// `destination` is never a half-written file.
    public func backup(to destination: String) async throws -> CatalogBackupSummary {
        let pool = self.pool
        let temporary = Self.temporaryPath(beside: destination)
        defer { Self.removeDatabaseFiles(temporary) }
        do {
            let copy = try DatabaseQueue(path: temporary)
            try await Task.detached { try pool.backup(to: copy) }.value
            let products = try Self.checkedProductCount(copy, path: destination)
            try copy.close()
            guard rename(temporary, destination) == 0 else {
                throw CatalogStoreError.cannotOpen(path: destination, reason: String(cString: strerror(errno)))
            }
            return CatalogBackupSummary(products: products, bytes: Self.fileSize(destination))
        } catch let error as DatabaseError {
            throw CatalogStoreError.database(operation: "backing up to \(destination)", reason: Self.reason(error))
        }
    }

    /// Puts the backup at `backup` in place of the catalog file at `path` (which no process may have
    /// open: a server that has it open refuses its next write). The backup is checked first; the old
    /// catalog's write-ahead log is removed with it, so nothing of it mixes into the restored file.
    public static func restore(from backup: String, to path: String) throws -> CatalogBackupSummary {
        guard FileManager.default.fileExists(atPath: backup) else {
            throw CatalogStoreError.cannotOpen(path: backup, reason: "there is no backup file there")
        }
        let temporary = temporaryPath(beside: path)
        defer { removeDatabaseFiles(temporary) }
        do {
            try FileManager.default.copyItem(atPath: backup, toPath: temporary)
            let copy = try DatabaseQueue(path: temporary)
            let products = try checkedProductCount(copy, path: backup)
            try copy.close()
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            guard rename(temporary, path) == 0 else {
                throw CatalogStoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
            }
            return CatalogBackupSummary(products: products, bytes: fileSize(path))
        } catch let error as DatabaseError {
            throw CatalogStoreError.cannotOpen(path: backup, reason: reason(error))
        } catch let error as CocoaError {
            throw CatalogStoreError.cannotOpen(path: path, reason: error.localizedDescription)
        }
    }

    /// Runs `PRAGMA integrity_check` and counts the products; a damaged or foreign file is an error.
    static func checkedProductCount(_ database: DatabaseQueue, path: String) throws -> Int {
        try database.read { db in
            let verdict = try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer"
            guard verdict == "ok" else {
                throw CatalogStoreError.cannotOpen(path: path, reason: "the copy fails SQLite's integrity check: \(verdict)")
            }
            guard try db.tableExists("products") else {
                throw CatalogStoreError.cannotOpen(path: path, reason: "it is not a Lookalike catalog (no products table)")
            }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM products") ?? 0
        }
    }

    static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
    }

    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}

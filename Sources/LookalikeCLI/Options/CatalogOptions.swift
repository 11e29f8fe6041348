import ArgumentParser
import Catalog
import Foundation
import PostgresCatalog

/// `--db`: where the catalog lives, a SQLite file or a PostgreSQL URL.
struct CatalogOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "Catalog: a SQLite file, or postgres://user:password@host:port/database for PostgreSQL with pgvector "
            + "(options: ?sslmode=disable|prefer|require&pool=N&ef_search=N&exact_filter_limit=N&schema=NAME). "
            + "Default: lookalike.db.", valueName: "file-or-url"))
    var dbArgument: String?

    /// The catalog `--db` names, or `lookalike.db`.
    var db: String {
        get { dbArgument ?? Self.defaultDB }
        set { dbArgument = newValue }
    }

    /// The catalog of a command given no `--db`.
    static let defaultDB = "lookalike.db"

    @Option(name: .long, help: ArgumentHelp(
        "Folder for images that exist only as pixels (Fashion-MNIST). Default: <db>-images beside a SQLite file, "
            + "./lookalike-images for PostgreSQL.", valueName: "dir"))
    var images: String?

    /// Whether `--db` names a PostgreSQL database.
    var isPostgres: Bool { PostgresURL.isPostgresURL(db) }

    /// `--db` for messages: a URL without its password.
    var displayName: String { isPostgres ? PostgresURL.redact(db) : db }

    /// Opens (migrating if needed) the catalog; with `readDB`, searches go to that replica. A SQLite file
    /// that does not exist is created only with `create` (imports); every other command refuses it with
    /// the command that makes one, so a mistyped `--db` never serves an empty catalog.
    func open(readDB: String? = nil, create: Bool = false) async throws -> any CatalogStore {
        if isPostgres {
            return try await PostgresCatalogStore(url: db, readURL: readDB)
        }
        if let readDB {
            throw ValidationError("--read-db \(PostgresURL.redact(readDB)) needs a postgres:// --db (SQLite has no replicas)")
        }
        let path = URL(fileURLWithPath: db).standardized.path
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("there is no catalog at \(db): create one with `lookalike index <source> --db \(db)` "
                + "(see `lookalike index --help`), or check the path")
        }
        return try SQLiteCatalogStore(path: path)
    }

    /// Folder for images that exist only as pixels (Fashion-MNIST): --images, else "<db>-images" beside a
    /// SQLite file, else "lookalike-images" in the current folder.
    var assetsDirectory: URL {
        if let images { return URL(fileURLWithPath: images).standardized }
        if isPostgres { return URL(fileURLWithPath: "lookalike-images").standardized }
        let url = URL(fileURLWithPath: db).standardized
        return url.deletingLastPathComponent().appendingPathComponent(url.deletingPathExtension().lastPathComponent + "-images")
    }
}

/// `--read-db`: a read replica for searches.
struct ReadReplicaOptions: ParsableArguments {
    @Option(name: .customLong("read-db"), help: ArgumentHelp(
        "A PostgreSQL read replica (postgres://…) for searches; writes still go to --db.", valueName: "url"))
    var readDB: String?
}

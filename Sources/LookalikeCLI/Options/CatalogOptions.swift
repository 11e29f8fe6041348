import ArgumentParser
import Catalog
import Foundation

/// `--db`: where the catalog lives.
struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: "Catalog database file.")
    var db: String = "lookalike.db"

    /// Opens (creating if needed) the catalog.
    func open() throws -> SQLiteCatalogStore {
        try SQLiteCatalogStore(path: URL(fileURLWithPath: db).standardized.path)
    }

    /// Folder beside the database for images that exist only as pixels (Fashion-MNIST): "<db>-images".
    var assetsDirectory: URL {
        let url = URL(fileURLWithPath: db).standardized
        return url.deletingLastPathComponent().appendingPathComponent(url.deletingPathExtension().lastPathComponent + "-images")
    }
}

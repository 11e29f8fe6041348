import ArgumentParser
import Catalog
import Foundation

/// `lookalike restore --from FILE --db lookalike.db`: puts a backup back in place of a SQLite catalog.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place of a SQLite catalog (stop `serve` first).",
        discussion: "The backup is checked before anything is replaced. A server still running on the old file "
            + "refuses its next write; restart it to serve the restored catalog.")

    @OptionGroup var catalog: CatalogOptions

    @Option(help: ArgumentHelp("The backup file written by `lookalike backup`.", valueName: "file"))
    var from: String

    func run() async throws {
        if catalog.isPostgres { throw ValidationError("a PostgreSQL catalog is restored with pg_restore") }
        let path = URL(fileURLWithPath: catalog.db).standardized.path
        let summary = try SQLiteCatalogStore.restore(from: URL(fileURLWithPath: from).standardized.path, to: path)
        print(String(format: "restored %d products into %@ (%.1f MB)", summary.products, path, Double(summary.bytes) / 1_000_000))
    }
}

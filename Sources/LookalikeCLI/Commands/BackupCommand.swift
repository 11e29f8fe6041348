import ArgumentParser
import Catalog
import Foundation

/// `lookalike backup --db lookalike.db --to FILE`: a consistent copy of a SQLite catalog, taken while
/// `serve` and imports keep reading and writing it.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a SQLite catalog to a file while it stays in use.",
        discussion: "The copy holds every write committed before it began, passes SQLite's integrity check and "
            + "appears under --to only when complete. Images Lookalike wrote (the <db>-images folder) are "
            + "files: copy that folder too. For PostgreSQL use pg_dump.")

    @OptionGroup var catalog: CatalogOptions

    @Option(help: ArgumentHelp("The backup file to write (replaced if it exists).", valueName: "file"))
    var to: String

    func run() async throws {
        if catalog.isPostgres {
            throw ValidationError("a PostgreSQL catalog is backed up with PostgreSQL's own tools, while it serves: "
                + "pg_dump --format=custom --file=lookalike.dump '\(catalog.displayName)', and restored with pg_restore")
        }
        let store = try await catalog.open()
        guard let sqlite = store as? SQLiteCatalogStore else { throw ValidationError("\(catalog.displayName) cannot be backed up") }
        let destination = URL(fileURLWithPath: to).standardized.path
        guard destination != sqlite.path else { throw ValidationError("--to is the catalog itself") }
        let started = Date()
        let summary = try await sqlite.backup(to: destination)
        print(String(format: "backed up %d products to %@ (%.1f MB, integrity ok) in %.1f s", summary.products, destination,
                     Double(summary.bytes) / 1_000_000, Date().timeIntervalSince(started)))
    }
}

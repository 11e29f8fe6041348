import ArgumentParser
import Catalog
import Foundation

/// `lookalike stats`: what the catalog holds.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Products, vectors per model, size and the last imports.")

    @OptionGroup var catalog: CatalogOptions

    @Flag(help: "Print as JSON.")
    var json = false

    func run() async throws {
        let store = try await catalog.open()
        let stats = try await store.stats()
        let runs = try await store.lastImportRuns(limit: 5)
        let facets = try await store.facets(keys: nil, limit: 8)
        if json {
            try JSONOutput.line(StatsLine(products: stats.products, vectors: stats.vectorsByModelKey, database_bytes: stats.databaseBytes,
                                          imports: runs, facets: Dictionary(facets.map { ($0.key, $0.values.map(\.value)) }, uniquingKeysWith: { a, _ in a })))
            return
        }
        print("catalog \(catalog.displayName)")
        print("  products  \(stats.products)")
        for (key, count) in stats.vectorsByModelKey.sorted(by: { $0.key < $1.key }) { print("  vectors   \(count)  (\(key))") }
        print(String(format: "  size      %.1f MB", Double(stats.databaseBytes) / 1_000_000))
        if !facets.isEmpty {
            print("  metadata")
            for facet in facets {
                print("    \(facet.key): " + facet.values.map { "\($0.value) (\($0.count))" }.joined(separator: ", "))
            }
        }
        if !runs.isEmpty {
            print("  imports")
            let formatter = ISO8601DateFormatter()
            for run in runs {
                let c = run.counts
                print("    #\(run.id) \(formatter.string(from: run.startedAt)) \(run.status.rawValue): \(c.indexed) indexed, \(c.unchanged) unchanged, \(c.failed) failed, \(c.removed) removed — \(run.source)")
            }
        }
    }
}

/// `stats --json`.
struct StatsLine: Encodable {
    let products: Int
    let vectors: [String: Int]
    let database_bytes: Int64
    let imports: [ImportRun]
    let facets: [String: [String]]
}

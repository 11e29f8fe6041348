import ArgumentParser
import Catalog
import Embedding
import Foundation
import Service

/// `lookalike migrate --from A --to B`: copies a catalog between backends (SQLite file ↔ PostgreSQL).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a catalog (products, attributes, vectors of every model, settings) to another database.",
        discussion: "For example: lookalike migrate --from lookalike.db --to postgres://user:password@host/db. "
            + "Safe to run again: products are written by id, so a second run updates instead of duplicating. "
            + "Import history stays behind.")

    @Option(help: ArgumentHelp("The catalog to copy: a SQLite file or a postgres:// URL.", valueName: "file-or-url"))
    var from: String

    @Option(help: ArgumentHelp("Where to copy it: a SQLite file or a postgres:// URL (created or migrated as needed).", valueName: "file-or-url"))
    var to: String

    @Option(help: "Products per transaction.")
    var batch = 1000

    func run() async throws {
        guard batch >= 1, batch <= 100_000 else { throw ValidationError("--batch must be 1…100000") }
        let sourceOptions = try CatalogOptions.parse(["--db", from])
        let targetOptions = try CatalogOptions.parse(["--db", to])
        guard sourceOptions.displayName != targetOptions.displayName else { throw ValidationError("--from and --to are the same catalog") }
        let stop = StopFlag()
        let signals = SignalWatcher.stoppingAfterBatch(stop)
        defer { signals.cancel() }
        /// Ends the command (status 130) once a stop was asked for; a second run finishes the copy.
        func checkStop() throws {
            guard stop.isStopped else { return }
            printError("interrupted: run the same command again to finish the copy (products are written by id)")
            throw ExitCode(130)
        }
        let source = try await sourceOptions.open()
        let opened = try await targetOptions.open(create: true)
        guard let target = opened as? any CatalogCopying else {
            throw ValidationError("\(targetOptions.displayName) cannot take a copied catalog")
        }
        let started = Date()
        let stats = try await source.stats()
        printError("copying \(stats.products) products from \(sourceOptions.displayName) to \(targetOptions.displayName)")

        // Vectors, model by model, with their products.
        var withVectors = Set<String>()
        var vectorCount = 0
        for modelKey in stats.vectorsByModelKey.keys.sorted() {
            let table = try await source.loadVectors(modelKey: modelKey)
            let imageVectors = try await Self.imageVectorsByProduct(source, modelKey: modelKey)
            var load = try await BulkVectorLoad(into: target, modelKey: modelKey, count: table.count)
            for start in stride(from: 0, to: table.count, by: batch) {
                let rows = start ..< min(start + batch, table.count)
                let products = try await source.products(ids: Array(table.ids[rows]))
                let byID = Dictionary(products.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
                let items = rows.compactMap { row in
                    byID[table.ids[row]].map { product in
                        // The additional images' vectors go with their product when every image has one.
                        let vectors = product.images.map { imageVectors[product.id]?[$0.position] }
                        return UpsertItem(product: product, vector: table.vector(at: row),
                                          imageVectors: vectors.allSatisfy { $0 != nil } ? vectors.compactMap { $0 } : nil)
                    }
                }
                try await load.upsert(items)
                withVectors.formUnion(items.map(\.product.id))
                vectorCount += items.count
                FileHandle.standardError.write(Data("  \(modelKey): \(rows.upperBound)/\(table.count)\r".utf8))
                try checkStop()
            }
            printError("  \(modelKey): \(table.count) vectors" + String(repeating: " ", count: 12))
            if let seconds = try await load.finish() {
                printError(String(format: "  built the HNSW index in %.1f s", seconds))
            }
        }
        // Products that have no vector under any model.
        let rest = try await source.allProductIDs().filter { !withVectors.contains($0) }
        for start in stride(from: 0, to: rest.count, by: batch) {
            try await target.upsertProducts(try await source.products(ids: Array(rest[start ..< min(start + batch, rest.count)])))
            try checkStop()
        }
        // Item signatures, where both catalogs keep them.
        if let signing = source as? any ItemSignatureStore {
            let signatures = try await signing.itemSignatures()
            if !signatures.isEmpty {
                if let target = target as? any ItemSignatureStore {
                    for start in stride(from: 0, to: signatures.count, by: batch) {
                        try await target.storeItemSignatures(Array(signatures[start ..< min(start + batch, signatures.count)]))
                        try checkStop()
                    }
                    printError("  \(signatures.count) item signatures")
                } else {
                    printError("  \(signatures.count) item signatures: not copied (exact-item verification runs on SQLite catalogs only)")
                }
            }
        }
        // Settings.
        var settings = 0
        if let sourceSettings = source as? any CatalogCopying {
            for key in try await sourceSettings.settingKeys() {
                try await target.setSetting(key, try await source.setting(key))
                settings += 1
            }
        }
        let seconds = Date().timeIntervalSince(started)
        let copied = try await target.stats()
        print(String(format: "copied %d products (%d vectors, %d without a vector) and %d settings in %.1f s (%.0f products/s); "
                         + "%@ now holds %d products", withVectors.count + rest.count, vectorCount, rest.count, settings,
                     seconds, Double(withVectors.count + rest.count) / max(seconds, 0.001), targetOptions.displayName, copied.products))
    }
}

extension MigrateCommand {
    /// product id → position → vector of the additional images stored under `modelKey`.
    static func imageVectorsByProduct(_ store: any CatalogStore, modelKey: String) async throws -> [String: [Int: [Float]]] {
        let table = try await store.loadImageVectors(modelKey: modelKey)
        var vectors: [String: [Int: [Float]]] = [:]
        for row in 0 ..< table.count { vectors[table.productIDs[row], default: [:]][table.positions[row]] = table.vector(at: row) }
        return vectors
    }
}

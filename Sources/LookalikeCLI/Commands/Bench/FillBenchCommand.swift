import ArgumentParser
import Catalog
import Foundation
import Search
import SearchBenchmarks

/// `lookalike bench fill`: writes synthetic products into a catalog, for database benchmarks at sizes no
/// image set here reaches (1M products), and reports the import throughput.
struct FillBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Fill a catalog with synthetic products and vectors (for `bench db` at 1M), timing the import.",
        discussion: "Vectors: the latent recipe of `bench search --index hnsw` (1,000 clusters). Product i is "
            + "synthetic-<i>, with attributes cluster=c<n> and group=g<n mod 10> (a filter keeping about a tenth). "
            + "Products are written by id, so a rerun resumes; into an empty PostgreSQL model the HNSW index is "
            + "built once at the end, as `lookalike migrate` does.")

    @OptionGroup var catalog: CatalogOptions

    @Option(help: "Products to write.")
    var count = 1_000_000

    @Option(help: "Vector length.")
    var dim = 1280

    @Option(name: .customLong("model-key"), help: "Model key the vectors are stored under.")
    var modelKey = "synthetic/latent"

    @Option(help: "Products per transaction.")
    var batch = 1000

    @Option(help: "Seed of the synthetic data.")
    var seed: UInt64 = 42

    func run() async throws {
        guard count >= 1, count <= 100_000_000, dim >= 1, dim <= 4096, batch >= 1, batch <= 100_000 else {
            throw ValidationError("--count 1…100000000, --dim 1…4096, --batch 1…100000")
        }
        let store = try await catalog.open(create: true)
        let data = SyntheticVectors(dimension: dim, clusters: 1000, seed: seed, noise: SyntheticRecipe.latent.defaultNoise,
                                    recipe: .latent)
        var load = try await BulkVectorLoad(into: store, modelKey: modelKey, count: count)
        let width = String(count - 1).count
        let started = Date()
        var lastReport = Date.distantPast
        for start in stride(from: 0, to: count, by: batch) {
            let rows = start ..< min(start + batch, count)
            let vectors = data.vectors(rows)
            let items = rows.map { row -> (product: Product, vector: [Float]) in
                let cluster = data.cluster(ofRow: row)
                let digits = String(row)
                let id = "synthetic-" + String(repeating: "0", count: width - digits.count) + digits
                let offset = (row - rows.lowerBound) * dim
                return (Product(id: id, title: "Synthetic product \(row)", attributes: ["cluster": "c\(cluster)", "group": "g\(cluster % 10)"]),
                        Array(vectors[offset ..< offset + dim]))
            }
            try await load.upsert(items.map { UpsertItem(product: $0.product, vector: $0.vector) })
            if Date().timeIntervalSince(lastReport) >= 1 || rows.upperBound == count {
                lastReport = Date()
                let rate = Double(rows.upperBound) / max(Date().timeIntervalSince(started), 1e-9)
                FileHandle.standardError.write(Data("  \(rows.upperBound)/\(count) products, \(Int(rate))/s\r".utf8))
            }
        }
        let loaded = Date().timeIntervalSince(started)
        printError("")
        var line = String(format: "%@: wrote %d products × %d in %.1f s (%.0f products/s)", catalog.displayName, count, dim,
                          loaded, Double(count) / loaded)
        if let building = try await load.finish() {
            line += String(format: ", HNSW index built in %.1f s; %.0f products/s in all", building, Double(count) / (loaded + building))
        }
        print(line)
    }
}

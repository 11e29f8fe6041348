import ArgumentParser
import Catalog
import Dispatch
import Foundation
import PostgresCatalog
import Search

/// `lookalike bench db`: query latency and recall@k of a database's own vector search (PostgreSQL
/// HNSW) against exact search over the same vectors in memory.
struct DatabaseBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Latency (p50/p99) and recall@k of the database's vector search against exact search.",
        discussion: "Queries are catalog vectors (the product itself excluded), picked with a fixed seed. With --no-recall "
            + "only they are read from the database; otherwise every vector is loaded for the exact search.")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var replica: ReadReplicaOptions

    @Option(name: .customLong("model-key"), help: "Model key to search (default: the catalog's only one).")
    var modelKey: String?

    @Option(help: "Number of queries.")
    var queries = 500

    @Option(help: "Results per query.")
    var k = 10

    @Option(help: "Queries in flight at once.")
    var concurrency = 1

    @Option(name: .customLong("where"), help: ArgumentHelp("Metadata filter KEY=VALUE (repeatable).", valueName: "key=value"))
    var filters: [String] = []

    @Flag(help: "Skip the exact search (no recall; for latency runs on big catalogs).")
    var noRecall = false

    func run() async throws {
        guard queries >= 1, k >= 1, k <= 1000, concurrency >= 1, concurrency <= 256 else {
            throw ValidationError("--queries ≥ 1, --k 1…1000, --concurrency 1…256")
        }
        var parsedFilters: [String: [String]] = [:]
        for filter in filters {
            guard let equals = filter.firstIndex(of: "="), equals != filter.startIndex else { throw ValidationError("--where takes KEY=VALUE") }
            parsedFilters[String(filter[..<equals]), default: []].append(String(filter[filter.index(after: equals)...]))
        }
        let store = try await catalog.open(readDB: replica.readDB)
        guard let database = store as? any DatabaseVectorSearch else {
            throw ValidationError("\(catalog.displayName) does not search in the database (bench db is for postgres:// catalogs)")
        }
        let keys = try await store.stats().vectorsByModelKey.keys.sorted()
        guard let key = modelKey ?? (keys.count == 1 ? keys.first : nil) else {
            throw ValidationError("choose --model-key among: \(keys.joined(separator: ", "))")
        }
        let loadStart = Date()
        var generator = SplitMix64(seed: 42)
        let table: VectorTable, rows: [Int]
        if noRecall {
            // Only the query vectors, one by one: a 1M catalog need not fit in this process.
            let ids = try await store.allProductIDs()
            guard !ids.isEmpty else { throw ValidationError("no products") }
            var picked: [String] = [], vectors: [Float] = []
            for _ in 0 ..< queries {
                let id = ids[Int(generator.next() % UInt64(ids.count))]
                guard let vector = try await database.vector(for: id, modelKey: key) else { continue }
                picked.append(id)
                vectors += vector
            }
            guard !picked.isEmpty else { throw ValidationError("no vectors under \(key)") }
            table = VectorTable(modelKey: key, ids: picked, attributes: picked.map { _ in [:] }, dimension: vectors.count / picked.count,
                                vectors: vectors)
            rows = Array(picked.indices)
        } else {
            table = try await store.loadVectors(modelKey: key)
            guard table.count > 0 else { throw ValidationError("no vectors under \(key)") }
            rows = (0 ..< queries).map { _ in Int(generator.next() % UInt64(table.count)) }
        }
        printError("loaded \(table.count) × \(table.dimension) vectors in \(String(format: "%.1f", Date().timeIntervalSince(loadStart))) s")

        // The database, `concurrency` queries at a time.
        let filtersCopy = parsedFilters, k = self.k
        var latencies = [Double](repeating: 0, count: rows.count)
        var answers = [[String]](repeating: [], count: rows.count)
        let started = DispatchTime.now().uptimeNanoseconds
        try await withThrowingTaskGroup(of: (Int, Double, [String]).self) { group in
            var next = 0
            func launch() {
                let index = next, row = rows[index]
                next += 1
                let vector = table.vector(at: row), id = table.ids[row]
                group.addTask {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let hits = try await database.nearest(to: vector, k: k, filters: filtersCopy, excluding: [id],
                                                          modelKey: key, distance: .cosine)
                    return (index, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6, hits.map(\.id))
                }
            }
            while next < min(concurrency, rows.count) { launch() }
            while let (index, milliseconds, ids) = try await group.next() {
                latencies[index] = milliseconds
                answers[index] = ids
                if next < rows.count { launch() }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        var line = String(format: "%@: %d queries, k=%d, concurrency %d: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, %.0f queries/s",
                          catalog.displayName + (replica.readDB.map { " (searched on \(PostgresURL.redact($0)))" } ?? ""),
                          rows.count, k, concurrency, percentile(0.5), percentile(0.95), percentile(0.99),
                          Double(rows.count) / seconds)
        if !noRecall {
            // The database holds halfvec: its vectors are exact in f16, so f16 storage loses nothing and
            // halves the memory (1M × 1280: 2.6 GB instead of 5.1 GB beside the loaded table).
            let exact = CatalogIndex(table: table, storage: .float16, metric: .cosine)
            var found = 0, expected = 0
            for (index, row) in rows.enumerated() {
                let truth = exact.search(table.vector(at: row), k: k, filters: parsedFilters, excluding: [table.ids[row]]).map(\.id)
                expected += truth.count
                found += Set(truth).intersection(answers[index]).count
            }
            line += String(format: ", recall@%d %.4f", k, expected == 0 ? 1 : Double(found) / Double(expected))
        }
        print(line)
    }
}

import ArgumentParser
import Foundation
import Search
import SearchBenchmarks

/// `lookalike bench search`: exact and HNSW search on synthetic clustered vectors. `bench/compare_search.sh`
/// runs faiss on the same vectors in the same run.
struct SearchBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "One-query latency (p50/p99), throughput, memory and recall of exact or HNSW search on synthetic vectors.",
        discussion: "Vectors: clustered, L2-normalised, seeded (Search/Benchmark/SyntheticVectors.swift; "
            + "bench/search_baselines.py and bench/hnsw_baselines.py generate the same ones for faiss).")

    @Option(help: "exact (every storage) or hnsw (build time, recall@10 against exact, per efSearch).")
    var index: VectorIndexKind = .exact

    @Option(help: "Index sizes, comma-separated (default: 10000,100000,1000000 for exact, 100000,1000000 for hnsw).")
    var sizes: String?

    @Option(help: "Vector length.")
    var dim = 1280

    @Option(help: "Storages for exact search, comma-separated (f32 first gives recall against it).")
    var storage = "f32,f16,int8"

    @Option(help: "Thread counts for exact search, comma-separated (0 = every core).")
    var threads = "1,0"

    @Option(help: "Queries timed one at a time.")
    var queries = 200

    @Option(help: "Results per query.")
    var k = 10

    @Option(help: "Time budget of each exact latency loop, seconds.")
    var seconds = 20.0

    @Option(help: "Clusters of the synthetic data (default 256 for exact, 1000 for hnsw, as the faiss scripts).")
    var clusters: Int?

    @Option(help: ArgumentHelp("Recipe of the synthetic data: isotropic (default for exact) or latent (default for hnsw: "
        + "intrinsic dimension --latent-dim, like CNN embeddings)."))
    var recipe: SyntheticRecipe?

    @Option(help: ArgumentHelp("Noise of the synthetic data (default 1 for isotropic: cosine ≈ 0.7 to the cluster centre; "
        + "0.2 for latent: relative to the signal's norm)."))
    var noise: Float?

    @Option(name: .customLong("latent-dim"), help: "Latent recipe: intrinsic dimension.")
    var latentDimension = 32

    @Option(help: "Latent recipe: spread of a latent around its cluster centre (centres have deviation 1).")
    var spread: Float = 0.5

    @Option(help: ArgumentHelp("Print a checksum of the first N rows and the queries of the synthetic data, then exit "
        + "(bench/hnsw_baselines.py --checksum N prints the same when both sides make the same vectors)."))
    var checksum: Int?

    @Option(help: "Seed of the synthetic data.")
    var seed: UInt64 = 42

    @Option(name: .customLong("m"), help: "HNSW: neighbours per node (2·M on level 0).")
    var m = 32

    @Option(name: .customLong("ef-construction"), help: "HNSW: candidate list while building.")
    var efConstruction = 40

    @Option(name: .customLong("ef-search"), help: "HNSW: candidate lists while searching, comma-separated.")
    var efSearch = "16,32,64,128,256"

    @Option(name: .customLong("hnsw-storage"), help: "HNSW: f32 or f16 (default: f32 when it fits in 60 % of memory).")
    var hnswStorage: VectorStorage?

    @Flag(help: "One JSON object per result line (the key order of the faiss scripts).")
    var json = false

    func validate() throws {
        guard dim >= 64, dim % 64 == 0 else { throw ValidationError("--dim must be a positive multiple of 64") }
        guard queries >= 10, k >= 1, k <= 1000 else { throw ValidationError("--queries must be ≥ 10 and --k 1…1000") }
        guard index != .auto else { throw ValidationError("--index must be exact or hnsw") }
        guard hnswStorage != .int8 else { throw ValidationError("--hnsw-storage must be f32 or f16") }
        guard latentDimension >= 1, (checksum ?? 1) >= 1 else {
            throw ValidationError("--latent-dim and --checksum must be ≥ 1")
        }
        _ = try parsedSizes()
    }

    func run() throws {
        if let checksum {
            var configuration = HNSWBenchmark.Configuration()
            configuration.dimension = dim
            configuration.recipe = recipe ?? (index == .hnsw ? .latent : .isotropic)
            configuration.clusters = clusters ?? (index == .hnsw ? 1000 : 256)
            configuration.noise = noise
            configuration.latentDimension = latentDimension
            configuration.spread = spread
            configuration.seed = seed
            let data = configuration.data
            print("\(configuration.recipe.rawValue) rows 0..<\(checksum): \(SyntheticVectors.checksum(data.vectors(0 ..< checksum))) "
                  + "queries \(queries): \(SyntheticVectors.checksum(data.queries(queries)))")
            return
        }
        switch index {
        case .hnsw: try runHNSW()
        default: try runExact()
        }
    }

    func runExact() throws {
        var configuration = SearchBenchmark.Configuration()
        configuration.sizes = try parsedSizes() ?? configuration.sizes
        configuration.dimension = dim
        configuration.storages = try list(storage, "--storage") { VectorStorage(rawValue: $0) }
        configuration.threads = try list(threads, "--threads") { Int($0) }.map {
            $0 > 0 ? $0 : ProcessInfo.processInfo.activeProcessorCount
        }
        configuration.queries = queries
        configuration.k = k
        configuration.secondsPerCase = seconds
        configuration.clusters = clusters ?? 256
        configuration.recipe = recipe ?? .isotropic
        configuration.noise = noise ?? configuration.recipe.defaultNoise
        configuration.latentDimension = latentDimension
        configuration.spread = spread
        configuration.seed = seed
        let results = SearchBenchmark.run(configuration) { result in
            if json { print(result.jsonLine); flushOutput() } else { printError("measured: \(result.jsonLine)") }
        }
        if !json { print(SearchBenchmarkResult.table(results)) }
    }

    func runHNSW() throws {
        var configuration = HNSWBenchmark.Configuration()
        configuration.sizes = try parsedSizes() ?? [100_000, 1_000_000]
        configuration.dimension = dim
        configuration.storage = hnswStorage
        configuration.parameters = HNSWParameters(m: m, efConstruction: efConstruction)
        configuration.efSearch = efSearch.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        configuration.queries = queries
        configuration.k = k
        configuration.clusters = clusters ?? 1000
        configuration.recipe = recipe ?? .latent
        configuration.noise = noise
        configuration.latentDimension = latentDimension
        configuration.spread = spread
        configuration.seed = seed
        let results = HNSWBenchmark.run(configuration, log: { printError($0) }) { result in
            if json { print(result.jsonLine); flushOutput() } else { printError("measured: \(result.jsonLine)") }
        }
        if !json { print(HNSWBenchmarkResult.table(results)) }
    }

    func parsedSizes() throws -> [Int]? {
        guard let sizes else { return nil }
        return try list(sizes, "--sizes") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
    }

    /// A comma-separated option as values, or a clear error naming the option.
    func list<T>(_ text: String, _ option: String, _ parse: (String) -> T?) throws -> [T] {
        let values = try text.split(separator: ",").map { part -> T in
            let item = part.trimmingCharacters(in: .whitespaces)
            guard let value = parse(item) else { throw ValidationError("\(option): '\(item)' is not a valid value") }
            return value
        }
        guard !values.isEmpty else { throw ValidationError("\(option) needs at least one value") }
        return values
    }
}

extension SyntheticRecipe: ExpressibleByArgument {}

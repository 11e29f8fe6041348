import Search
import Foundation

/// Measures exact search on synthetic clustered vectors: latency, throughput, memory and recall per storage.
public enum SearchBenchmark {
    /// What to measure.
    public struct Configuration: Sendable {
        /// Index sizes.
        public var sizes: [Int] = [10_000, 100_000, 1_000_000]
        /// Storages, in order; recall is measured against float32 when float32 comes first.
        public var storages: [VectorStorage] = [.float32, .float16, .int8]
        /// Thread counts to measure (each a separate result line).
        public var threads: [Int] = [ProcessInfo.processInfo.activeProcessorCount]
        /// Vector length.
        public var dimension = 1280
        /// Queries timed one at a time (fewer if `secondsPerCase` runs out first; at least 10).
        public var queries = 200
        /// Results per query.
        public var k = 10
        /// Queries per batch for the throughput figure.
        public var batchSize = 32
        /// Time budget for the latency and the throughput loops of one case, each.
        public var secondsPerCase = 20.0
        /// Clusters of the synthetic data.
        public var clusters = 256
        /// Noise of the synthetic data (isotropic: 1 ⇒ cosine ≈ 0.7 to the cluster centre).
        public var noise: Float = 1
        /// Recipe of the synthetic data (exact search does the same work on any; isotropic by default).
        public var recipe = SyntheticRecipe.isotropic
        /// Latent dimension of the latent recipe.
        public var latentDimension = 32
        /// Spread of a latent around its cluster centre (latent recipe).
        public var spread: Float = 0.5
        /// Seed of the synthetic data.
        public var seed: UInt64 = 42

        /// The defaults: 10k, 100k and 1M vectors of dimension 1280, all storages, all cores.
        public init() {}
    }

    /// Runs every case; `progress` receives each result as soon as it is measured.
    public static func run(_ configuration: Configuration = Configuration(),
                           progress: ((SearchBenchmarkResult) -> Void)? = nil) -> [SearchBenchmarkResult] {
        let data = SyntheticVectors(dimension: configuration.dimension, clusters: configuration.clusters,
                                    seed: configuration.seed, noise: configuration.noise, recipe: configuration.recipe,
                                    latentDimension: configuration.latentDimension, spread: configuration.spread)
        let queries = data.queries(configuration.queries)
        var results: [SearchBenchmarkResult] = []
        for size in configuration.sizes {
            var truth: [[Int]]?
            for storage in configuration.storages {
                var index = build(data, size: size, storage: storage)
                let answers = index.search(batch: queries, k: configuration.k, filter: nil).map { $0.map(\.row) }
                if storage == .float32 && truth == nil { truth = answers }
                let recall = storage == .float32 ? nil : truth.map { recallAt(answers: answers, truth: $0) }
                for threads in configuration.threads {
                    index.maxThreads = max(1, threads)
                    let (p50, p99) = latency(index, queries: queries, configuration: configuration)
                    let qps = throughput(index, queries: queries, configuration: configuration)
                    let result = SearchBenchmarkResult(
                        storage: storage.rawValue, n: size, dim: configuration.dimension, threads: index.maxThreads,
                        p50Milliseconds: p50, p99Milliseconds: p99, queriesPerSecond: qps,
                        bytesPerVector: Double(index.memoryBytes) / Double(max(1, size)), recallAt10: recall)
                    results.append(result)
                    progress?(result)
                }
            }
        }
        return results
    }

    /// Builds an index of `size` synthetic vectors, generated and added 8192 rows at a time.
    static func build(_ data: SyntheticVectors, size: Int, storage: VectorStorage) -> ExactIndex {
        var index = ExactIndex(dimension: data.dimension, storage: storage)
        for start in stride(from: 0, to: size, by: 8192) {
            let chunk = data.vectors(start ..< min(size, start + 8192))
            _ = chunk.withUnsafeBufferPointer { index.add(contentsOf: $0) }
        }
        return index
    }

    /// p50 and p99 of one-query latency, in milliseconds.
    static func latency(_ index: ExactIndex, queries: [Float], configuration: Configuration) -> (Double, Double) {
        let dimension = configuration.dimension
        let count = queries.count / dimension
        var times: [Double] = []
        let started = DispatchTime.now().uptimeNanoseconds
        _ = index.search(Array(queries[0 ..< dimension]), k: configuration.k, filter: nil)  // warm-up
        for query in 0 ..< count {
            let vector = Array(queries[query * dimension ..< (query + 1) * dimension])
            let start = DispatchTime.now().uptimeNanoseconds
            _ = index.search(vector, k: configuration.k, filter: nil)
            let end = DispatchTime.now().uptimeNanoseconds
            times.append(Double(end - start) / 1e6)
            if times.count >= 10, Double(end - started) / 1e9 > configuration.secondsPerCase { break }
        }
        times.sort()
        return (percentile(times, 0.5), percentile(times, 0.99))
    }

    /// Queries per second when searching `batchSize` queries per call.
    static func throughput(_ index: ExactIndex, queries: [Float], configuration: Configuration) -> Double {
        let dimension = configuration.dimension
        let count = queries.count / dimension
        let batch = max(1, min(configuration.batchSize, count))
        var done = 0
        var next = 0
        let started = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            let rows = (0 ..< batch).map { (next + $0) % count }
            next = (next + batch) % count
            let batchQueries = rows.flatMap { queries[$0 * dimension ..< ($0 + 1) * dimension] }
            _ = index.search(batch: batchQueries, k: configuration.k, filter: nil)
            done += batch
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        } while elapsed < min(2, configuration.secondsPerCase) && done < count * 4
        return Double(done) / elapsed
    }

    /// Mean share of `truth`'s rows found in `answers`, per query.
    public static func recallAt(answers: [[Int]], truth: [[Int]]) -> Double {
        guard !truth.isEmpty else { return 1 }
        var total = 0.0
        for (answer, expected) in zip(answers, truth) where !expected.isEmpty {
            total += Double(Set(answer).intersection(expected).count) / Double(expected.count)
        }
        return total / Double(truth.count)
    }

    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return sorted[position]
    }
}

import Search
import Foundation

/// Measures `HNSWIndex` on synthetic clustered vectors: build time, memory, one-core latency and recall@10
/// against exact search, for each size and efSearch setting (the Swift side of `bench/hnsw_baselines.py`).
///
/// Data: `SyntheticVectors`, by default the latent recipe (clustered, intrinsic dimension 32, randomly
/// projected to `dimension`; `SyntheticRecipe` says why). The exact top-10 of each query is computed by
/// brute force in f32 over the same rows, streamed chunk by chunk (no second copy).
public enum HNSWBenchmark {
    /// What to measure.
    public struct Configuration: Sendable {
        /// Index sizes.
        public var sizes: [Int] = [100_000, 1_000_000, 5_000_000]
        /// Vector length.
        public var dimension = 1280
        /// Storage; nil picks f32 when its index fits in `memoryBudget` bytes, else f16.
        public var storage: VectorStorage?
        /// Bytes the index may take when `storage` is nil (default: 60 % of physical memory).
        public var memoryBudget = Int(Double(ProcessInfo.processInfo.physicalMemory) * 0.6)
        /// M, efConstruction and seed of the index (efSearch comes from `efSearch`).
        public var parameters = HNSWParameters()
        /// efSearch settings, each a result line.
        public var efSearch = [16, 32, 64, 128, 256]
        /// Queries timed one at a time per setting (each also scored for recall).
        public var queries = 200
        /// Results per query.
        public var k = 10
        /// Recipe of the synthetic data (latent: low intrinsic dimension, like CNN embeddings; see `SyntheticRecipe`).
        public var recipe = SyntheticRecipe.latent
        /// Clusters of the synthetic data.
        public var clusters = 1000
        /// Noise of the synthetic data (nil: the recipe's `defaultNoise`).
        public var noise: Float?
        /// Latent dimension of the latent recipe.
        public var latentDimension = 32
        /// Spread of a latent around its cluster centre (latent recipe).
        public var spread: Float = 0.5
        /// Seed of the synthetic data.
        public var seed: UInt64 = 42
        /// Threads inserting (search is timed on one thread).
        public var buildThreads = ProcessInfo.processInfo.activeProcessorCount
        /// Rows generated and added per call.
        public var chunk = 65_536

        /// The defaults: 100k, 1M and 5M vectors of dimension 1280, M 32, efConstruction 40.
        public init() {}
    }

    /// Runs every case; `progress` receives each result as soon as it is measured, `log` progress notes.
    public static func run(_ configuration: Configuration = Configuration(),
                           log: ((String) -> Void)? = nil,
                           progress: ((HNSWBenchmarkResult) -> Void)? = nil) -> [HNSWBenchmarkResult] {
        let data = configuration.data
        let queries = data.queries(configuration.queries)
        var results: [HNSWBenchmarkResult] = []
        for size in configuration.sizes {
            let storage = configuration.storage ?? chooseStorage(size: size, configuration: configuration)
            var index = HNSWIndex(dimension: configuration.dimension, storage: storage,
                                  parameters: configuration.parameters, maxThreads: configuration.buildThreads)
            index.reserveCapacity(size)
            var truth = [TopK](repeating: TopK(k: configuration.k), count: configuration.queries)
            var buildSeconds = 0.0, buildCPUSeconds = 0.0
            for start in stride(from: 0, to: size, by: configuration.chunk) {
                let rows = start ..< min(size, start + configuration.chunk)
                let chunk = data.vectors(rows)
                let began = DispatchTime.now().uptimeNanoseconds, beganCPU = processCPUSeconds()
                _ = chunk.withUnsafeBufferPointer { index.add(contentsOf: $0) }
                buildSeconds += Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
                buildCPUSeconds += processCPUSeconds() - beganCPU
                accumulateTruth(&truth, chunk: chunk, firstRow: start, queries: queries, configuration: configuration)
                log?("n=\(size): \(rows.upperBound) rows, build \(String(format: "%.1f", buildSeconds)) s, "
                     + "cpu \(String(format: "%.1f", buildCPUSeconds)) s")
            }
            let exact = truth.map { $0.sorted().map(\.row) }
            for ef in configuration.efSearch {
                let (p50, p99, p50CPU, recall) = measure(index, queries: queries, truth: exact, ef: ef,
                                                         configuration: configuration)
                let result = HNSWBenchmarkResult(
                    storage: storage.rawValue, n: size, dim: configuration.dimension, m: configuration.parameters.m,
                    efConstruction: configuration.parameters.efConstruction, efSearch: ef,
                    buildThreads: configuration.buildThreads, buildSeconds: buildSeconds,
                    buildCPUSeconds: buildCPUSeconds, p50Milliseconds: p50, p99Milliseconds: p99,
                    p50CPUMilliseconds: p50CPU, recallAt10: recall,
                    bytesPerVector: Double(index.memoryBytes) / Double(max(1, size)))
                results.append(result)
                progress?(result)
            }
        }
        return results
    }

    /// f32 when the whole index fits in the budget, else f16.
    static func chooseStorage(size: Int, configuration: Configuration) -> VectorStorage {
        let stride = (configuration.dimension + 63) / 64 * 64
        let graphBytes = size * (2 * configuration.parameters.m + 1) * 4 + size * 12
        return size * stride * 4 + graphBytes <= configuration.memoryBudget ? .float32 : .float16
    }

    /// Offers one chunk's exact scores (f32 brute force, all cores) to each query's top-k.
    static func accumulateTruth(_ truth: inout [TopK], chunk: [Float], firstRow: Int, queries: [Float],
                                configuration: Configuration) {
        let exact = ExactIndex(dimension: configuration.dimension, vectors: chunk)
        let hits = exact.search(batch: queries, k: configuration.k, filter: nil)
        for (query, list) in hits.enumerated() {
            for hit in list { truth[query].push(hit.score, row: firstRow + hit.row) }
        }
    }

    /// p50 and p99 of one-query latency (ms, one thread), p50 of its thread CPU time, and mean recall@k.
    static func measure(_ index: HNSWIndex, queries: [Float], truth: [[Int]], ef: Int,
                        configuration: Configuration) -> (Double, Double, Double, Double) {
        let dimension = configuration.dimension
        let count = queries.count / dimension
        var times: [Double] = [], cpuTimes: [Double] = []
        var answers: [[Int]] = []
        _ = index.search(Array(queries[0 ..< dimension]), k: configuration.k, filter: nil, efSearch: ef)  // warm-up
        for query in 0 ..< count {
            let vector = Array(queries[query * dimension ..< (query + 1) * dimension])
            let start = DispatchTime.now().uptimeNanoseconds, startCPU = threadCPUSeconds()
            let hits = index.search(vector, k: configuration.k, filter: nil, efSearch: ef)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            cpuTimes.append((threadCPUSeconds() - startCPU) * 1e3)
            answers.append(hits.map(\.row))
        }
        times.sort()
        cpuTimes.sort()
        return (SearchBenchmark.percentile(times, 0.5), SearchBenchmark.percentile(times, 0.99),
                SearchBenchmark.percentile(cpuTimes, 0.5), SearchBenchmark.recallAt(answers: answers, truth: truth))
    }

    /// CPU seconds used by this process so far (all threads).
    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// CPU seconds used by the calling thread so far.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

extension HNSWBenchmark.Configuration {
    /// The synthetic vectors this configuration describes.
    public var data: SyntheticVectors {
        SyntheticVectors(dimension: dimension, clusters: clusters, seed: seed, noise: noise ?? recipe.defaultNoise,
                         recipe: recipe, latentDimension: latentDimension, spread: spread)
    }
}

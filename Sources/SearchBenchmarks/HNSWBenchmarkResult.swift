import Search
import Foundation

/// One line of the HNSW benchmark: an engine, a size, one efSearch setting, and what was measured.
public struct HNSWBenchmarkResult: Sendable, Codable, Hashable {
    /// "lookalike-hnsw" (or "faiss-hnsw" in `bench/hnsw_baselines.py`).
    public var engine: String
    /// "f32" or "f16".
    public var storage: String
    /// Number of vectors.
    public var n: Int
    /// Vector length.
    public var dim: Int
    /// Neighbours per node on the upper levels (2·M on level 0).
    public var m: Int
    /// Candidate list length while building.
    public var efConstruction: Int
    /// Candidate list length while searching.
    public var efSearch: Int
    /// Threads the build used.
    public var buildThreads: Int
    /// Seconds to insert all vectors (data generation excluded), wall clock.
    public var buildSeconds: Double
    /// CPU seconds of the process (all threads) while inserting: fairer than wall time on a busy machine.
    public var buildCPUSeconds: Double
    /// Median latency of one query on one core, in milliseconds.
    public var p50Milliseconds: Double
    /// 99th-percentile latency of one query on one core, in milliseconds.
    public var p99Milliseconds: Double
    /// Median CPU time of one query (its thread's CPU clock), in milliseconds: the latency on an idle core.
    public var p50CPUMilliseconds: Double
    /// Share of the exact (f32 brute force) top-10 found in the top-10.
    public var recallAt10: Double
    /// Index memory per vector (vectors, norms and graph), in bytes.
    public var bytesPerVector: Double

    /// Creates a result.
    public init(engine: String = "lookalike-hnsw", storage: String, n: Int, dim: Int, m: Int, efConstruction: Int,
                efSearch: Int, buildThreads: Int, buildSeconds: Double, buildCPUSeconds: Double,
                p50Milliseconds: Double, p99Milliseconds: Double, p50CPUMilliseconds: Double, recallAt10: Double,
                bytesPerVector: Double) {
        self.engine = engine
        self.storage = storage
        self.n = n
        self.dim = dim
        self.m = m
        self.efConstruction = efConstruction
        self.efSearch = efSearch
        self.buildThreads = buildThreads
        self.buildSeconds = buildSeconds
        self.buildCPUSeconds = buildCPUSeconds
        self.p50CPUMilliseconds = p50CPUMilliseconds
        self.p50Milliseconds = p50Milliseconds
        self.p99Milliseconds = p99Milliseconds
        self.recallAt10 = recallAt10
        self.bytesPerVector = bytesPerVector
    }

    /// The JSON line shared with bench/hnsw_baselines.py (keys in a fixed order).
    public var jsonLine: String {
        var line = "{\"engine\":\"\(engine)\",\"storage\":\"\(storage)\",\"n\":\(n),\"dim\":\(dim),\"M\":\(m),"
        line += "\"efConstruction\":\(efConstruction),\"efSearch\":\(efSearch),\"build_threads\":\(buildThreads),"
        line += "\"build_s\":\(Self.format(buildSeconds, 2)),\"build_cpu_s\":\(Self.format(buildCPUSeconds, 2)),"
        line += "\"p50_ms\":\(Self.format(p50Milliseconds, 3)),\"p99_ms\":\(Self.format(p99Milliseconds, 3)),"
        line += "\"p50_cpu_ms\":\(Self.format(p50CPUMilliseconds, 3)),\"recall_at_10\":\(Self.format(recallAt10, 4)),"
        line += "\"bytes_per_vector\":\(Self.format(bytesPerVector, 1))}"
        return line
    }

    /// Header and rows of a plain-text table of results.
    public static func table(_ results: [HNSWBenchmarkResult]) -> String {
        let header = ["engine", "storage", "n", "dim", "M", "efC", "efS", "build s", "build cpu s", "p50 ms", "p99 ms",
                      "p50 cpu ms", "recall@10", "bytes/vec"]
        var rows: [[String]] = []
        for result in results {
            rows.append([result.engine, result.storage, String(result.n), String(result.dim), String(result.m),
                         String(result.efConstruction), String(result.efSearch), format(result.buildSeconds, 1),
                         format(result.buildCPUSeconds, 1), format(result.p50Milliseconds, 3),
                         format(result.p99Milliseconds, 3), format(result.p50CPUMilliseconds, 3),
                         format(result.recallAt10, 4), format(result.bytesPerVector, 0)])
        }
        return BenchmarkTable.render(header: header, rows: rows)
    }

    private static func format(_ value: Double, _ digits: Int) -> String { BenchmarkTable.format(value, digits) }
}

import Search
import Foundation

/// One line of a search benchmark: an engine, a storage, a size, and what was measured.
public struct SearchBenchmarkResult: Sendable, Codable, Hashable {
    /// "lookalike" (or "faiss-flatip" in the Python baseline).
    public var engine: String
    /// "f32", "f16" or "int8".
    public var storage: String
    /// Number of vectors.
    public var n: Int
    /// Vector length.
    public var dim: Int
    /// Threads a search could use.
    public var threads: Int
    /// Median latency of one query, in milliseconds.
    public var p50Milliseconds: Double
    /// 99th-percentile latency of one query, in milliseconds.
    public var p99Milliseconds: Double
    /// Queries per second with batched search.
    public var queriesPerSecond: Double
    /// Index memory per vector, in bytes.
    public var bytesPerVector: Double
    /// Share of float32 exact top-10 found in this storage's top-10 (nil when not measured).
    public var recallAt10: Double?

    /// Creates a result.
    public init(engine: String = "lookalike", storage: String, n: Int, dim: Int, threads: Int, p50Milliseconds: Double,
                p99Milliseconds: Double, queriesPerSecond: Double, bytesPerVector: Double, recallAt10: Double?) {
        self.engine = engine
        self.storage = storage
        self.n = n
        self.dim = dim
        self.threads = threads
        self.p50Milliseconds = p50Milliseconds
        self.p99Milliseconds = p99Milliseconds
        self.queriesPerSecond = queriesPerSecond
        self.bytesPerVector = bytesPerVector
        self.recallAt10 = recallAt10
    }

    /// The JSON line shared with bench/search_baselines.py (keys in a fixed order).
    public var jsonLine: String {
        var line = "{\"engine\":\"\(engine)\",\"storage\":\"\(storage)\",\"n\":\(n),\"dim\":\(dim),\"threads\":\(threads),"
        line += "\"p50_ms\":\(Self.format(p50Milliseconds, 3)),\"p99_ms\":\(Self.format(p99Milliseconds, 3)),"
        line += "\"qps\":\(Self.format(queriesPerSecond, 1)),\"bytes_per_vector\":\(Self.format(bytesPerVector, 1))"
        if let recallAt10 { line += ",\"recall_at_10\":\(Self.format(recallAt10, 4))" }
        return line + "}"
    }

    /// Header and rows of a plain-text table of results.
    public static func table(_ results: [SearchBenchmarkResult]) -> String {
        let header = ["engine", "storage", "n", "dim", "threads", "p50 ms", "p99 ms", "qps", "bytes/vec", "recall@10"]
        var rows: [[String]] = []
        for result in results {
            rows.append([result.engine, result.storage, String(result.n), String(result.dim), String(result.threads),
                         format(result.p50Milliseconds, 3), format(result.p99Milliseconds, 3),
                         format(result.queriesPerSecond, 1), format(result.bytesPerVector, 1),
                         result.recallAt10.map { format($0, 4) } ?? "-"])
        }
        return BenchmarkTable.render(header: header, rows: rows)
    }

    private static func format(_ value: Double, _ digits: Int) -> String { BenchmarkTable.format(value, digits) }
}

import Foundation
import Synchronization

/// A Prometheus histogram: cumulative bucket counts, a sum and a count, safe from many threads.
final class Histogram: Sendable {
    /// Upper bounds of the buckets (ascending; +Inf is implied).
    let bounds: [Double]
    /// Bucket counts, sum and count of the observations, behind one lock.
    private struct Tally {
        var counts: [UInt64]
        var sum = 0.0
        var total: UInt64 = 0
    }

    private let tally: Mutex<Tally>

    /// Creates an empty histogram with the given bucket bounds.
    init(bounds: [Double]) {
        self.bounds = bounds
        tally = Mutex(Tally(counts: [UInt64](repeating: 0, count: bounds.count)))
    }

    /// Bounds for latencies in seconds: 1 ms … 10 s.
    static let latencyBounds: [Double] = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Records one observation.
    func observe(_ value: Double) {
        let bucket = bounds.firstIndex(where: { value <= $0 })
        tally.withLock { tally in
            if let bucket { tally.counts[bucket] += 1 }
            tally.sum += value
            tally.total += 1
        }
    }

    /// Number of observations.
    var count: UInt64 {
        tally.withLock { $0.total }
    }

    /// The exposition lines for metric `name` with extra `labels` (`key="value"` pairs, already escaped).
    func lines(name: String, labels: String = "") -> [String] {
        let (counts, sum, total) = tally.withLock { ($0.counts, $0.sum, $0.total) }
        let prefix = labels.isEmpty ? "" : labels + ","
        var lines: [String] = []
        var cumulative: UInt64 = 0
        for (bound, count) in zip(bounds, counts) {
            cumulative += count
            lines.append("\(name)_bucket{\(prefix)le=\"\(PrometheusText.number(bound))\"} \(cumulative)")
        }
        lines.append("\(name)_bucket{\(prefix)le=\"+Inf\"} \(total)")
        let suffix = labels.isEmpty ? "" : "{\(labels)}"
        lines.append("\(name)_sum\(suffix) \(PrometheusText.number(sum))")
        lines.append("\(name)_count\(suffix) \(total)")
        return lines
    }
}

/// Prometheus text-format helpers.
enum PrometheusText {
    /// A number as Prometheus writes it.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// A label value escaped for the text format.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

import Search
import Foundation

/// Plain-text tables and number formatting shared by the benchmark result types.
enum BenchmarkTable {
    /// Rows under a header, columns padded to their widest cell; the first `leftAligned` columns are
    /// left-aligned, the rest (numbers) right-aligned.
    static func render(header: [String], rows: [[String]], leftAligned: Int = 2) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return column < leftAligned ? text + padding : padding + text
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `value` with `digits` decimals, or "null" when it is not finite (JSON-safe).
    static func format(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "null"
    }
}

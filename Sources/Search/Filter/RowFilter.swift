/// The rows a search may return, applied during the scan (rows outside it are never scored).
public struct RowFilter: Sendable, Hashable {
    /// The allowed rows.
    public var rows: Bitset

    /// Creates a filter allowing exactly the rows in `rows`.
    public init(rows: Bitset) {
        self.rows = rows
    }

    /// A filter allowing the given rows of an index with `rowCount` rows.
    public init(allowing allowed: some Sequence<Int>, rowCount: Int) {
        var bits = Bitset(count: rowCount)
        for row in allowed where row >= 0 && row < rowCount { bits.insert(row) }
        rows = bits
    }

    /// Whether a row passes.
    public func allows(_ row: Int) -> Bool { rows.contains(row) }

    /// Number of rows that pass.
    public var matchingRows: Int { rows.cardinality }
}

/// Precomputed bitsets per attribute (key, value) of an index's rows, to build `RowFilter`s quickly.
///
/// A selection such as `["articleType": ["Shirts", "Tshirts"], "gender": ["Men"]]` means
/// (articleType is Shirts OR Tshirts) AND gender is Men.
public struct AttributeBitsets: Sendable {
    /// key → value → rows carrying that value.
    public private(set) var postings: [String: [String: Bitset]] = [:]
    /// Number of rows covered.
    public private(set) var rowCount: Int

    /// Builds the bitsets for rows whose attributes are `attributes[row]`.
    public init(attributes: [[String: String]]) {
        rowCount = attributes.count
        var rows: [String: [String: [Int]]] = [:]
        for (row, dictionary) in attributes.enumerated() {
            for (key, value) in dictionary { rows[key, default: [:]][value, default: []].append(row) }
        }
        postings = rows.mapValues { values in
            values.mapValues { RowFilter(allowing: $0, rowCount: attributes.count).rows }
        }
    }

    /// Adds a row at the end (rows must be added in order).
    public mutating func append(row: Int, attributes: [String: String]) {
        precondition(row >= rowCount, "AttributeBitsets.append: rows must be appended in order")
        rowCount = row + 1
        for (key, value) in attributes { set(row: row, key: key, value: value) }
    }

    /// Clears a row from every bitset (for removals).
    public mutating func clear(row: Int, attributes: [String: String]) {
        for (key, value) in attributes { postings[key]?[value]?.remove(row) }
    }

    /// The filter for a selection (AND across keys, OR across values); nil when the selection is empty.
    public func filter(_ selection: [String: [String]]) -> RowFilter? {
        let keys = selection.filter { !$0.value.isEmpty }
        guard !keys.isEmpty else { return nil }
        var result: Bitset?
        for (key, values) in keys {
            var union = Bitset(count: rowCount)
            for value in values {
                if let bits = postings[key]?[value] { union.formUnion(bits) }
            }
            if result == nil { result = union } else { result?.formIntersection(union) }
        }
        return RowFilter(rows: result ?? Bitset(count: rowCount))
    }

    private mutating func set(row: Int, key: String, value: String) {
        // Take the bitset out while mutating it, so it is not copied.
        var values = postings.removeValue(forKey: key) ?? [:]
        var bits = values.removeValue(forKey: value) ?? Bitset(count: rowCount)
        if bits.count <= row { bits.resize(to: max(rowCount, bits.count * 2)) }
        bits.insert(row)
        values[value] = bits
        postings[key] = values
    }
}

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

/// Precomputed row sets per attribute (key, value) of an index's rows, to build `RowFilter`s quickly.
///
/// A selection such as `["articleType": ["Shirts", "Tshirts"], "gender": ["Men"]]` means
/// (articleType is Shirts OR Tshirts) AND gender is Men. A value carried by many rows keeps a bitset
/// (a bit per row of the index); a rare one keeps its sorted rows, so an attribute whose values are
/// unique (a SKU) costs a few bytes per row, not a full-length bitset per value.
public struct AttributeBitsets: Sendable {
    /// key → value → rows carrying that value.
    private var postings: [String: [String: Posting]] = [:]
    /// Number of rows covered.
    public private(set) var rowCount: Int

    /// Builds the row sets for rows whose attributes are `attributes[row]`.
    public init(attributes: [[String: String]]) {
        rowCount = attributes.count
        var rows: [String: [String: [Int32]]] = [:]
        for (row, dictionary) in attributes.enumerated() {
            for (key, value) in dictionary { rows[key, default: [:]][value, default: []].append(Int32(row)) }
        }
        let rowCount = rowCount
        postings = rows.mapValues { values in values.mapValues { Posting(sortedRows: $0, rowCount: rowCount) } }
    }

    /// Adds a row at the end (rows must be added in order).
    public mutating func append(row: Int, attributes: [String: String]) {
        precondition(row >= rowCount, "AttributeBitsets.append: rows must be appended in order")
        rowCount = row + 1
        for (key, value) in attributes {
            // Take the posting out while mutating it, so it is not copied.
            var values = postings.removeValue(forKey: key) ?? [:]
            var posting = values.removeValue(forKey: value) ?? .rows([])
            posting.append(row, rowCount: rowCount)
            values[value] = posting
            postings[key] = values
        }
    }

    /// Clears a row from every row set (for removals).
    public mutating func clear(row: Int, attributes: [String: String]) {
        for (key, value) in attributes { postings[key]?[value]?.remove(row) }
    }

    /// Bytes held by the row sets (row numbers and bitset words), for memory accounting.
    var payloadBytes: Int {
        postings.values.reduce(0) { total, values in
            values.values.reduce(total) { sum, posting in
                switch posting {
                case .bits(let bits): sum + bits.words.count * 8
                case .rows(let rows): sum + rows.count * 4
                }
            }
        }
    }

    /// The filter for a selection (AND across keys, OR across values); nil when the selection is empty.
    public func filter(_ selection: [String: [String]]) -> RowFilter? {
        let keys = selection.filter { !$0.value.isEmpty }
        guard !keys.isEmpty else { return nil }
        var result: Bitset?
        for (key, values) in keys {
            var union = Bitset(count: rowCount)
            for value in values {
                switch postings[key]?[value] {
                case .bits(let bits): union.formUnion(bits)
                case .rows(let rows): for row in rows where Int(row) < rowCount { union.insert(Int(row)) }
                case nil: break
                }
            }
            if result == nil { result = union } else { result?.formIntersection(union) }
        }
        return RowFilter(rows: result ?? Bitset(count: rowCount))
    }

    /// The rows of one (key, value): sorted row numbers while rare, a bitset once more than one row in 32
    /// carries it (where the bitset becomes the smaller of the two).
    enum Posting: Sendable {
        case rows([Int32])
        case bits(Bitset)

        init(sortedRows: [Int32], rowCount: Int) {
            if Self.isDense(sortedRows.count, rowCount: rowCount) {
                var bits = Bitset(count: rowCount)
                for row in sortedRows { bits.insert(Int(row)) }
                self = .bits(bits)
            } else {
                self = .rows(sortedRows)
            }
        }

        static func isDense(_ count: Int, rowCount: Int) -> Bool { count * 32 > rowCount && count >= 64 }

        mutating func append(_ row: Int, rowCount: Int) {
            switch self {
            case .bits(var bits):
                self = .rows([])  // release the payload while it is mutated
                if bits.count <= row { bits.resize(to: max(rowCount, bits.count * 2)) }
                bits.insert(row)
                self = .bits(bits)
            case .rows(var rows):
                self = .rows([])
                rows.append(Int32(row))
                self = Self.isDense(rows.count, rowCount: rowCount) ? Posting(sortedRows: rows, rowCount: rowCount) : .rows(rows)
            }
        }

        mutating func remove(_ row: Int) {
            switch self {
            case .bits(var bits):
                self = .rows([])
                bits.remove(row)
                self = .bits(bits)
            case .rows(var rows):
                self = .rows([])
                if let index = Self.position(of: Int32(row), in: rows) { rows.remove(at: index) }
                self = .rows(rows)
            }
        }

        /// Binary search in sorted rows.
        static func position(of row: Int32, in rows: [Int32]) -> Int? {
            var low = 0, high = rows.count
            while low < high {
                let middle = (low + high) / 2
                if rows[middle] < row { low = middle + 1 } else { high = middle }
            }
            return low < rows.count && rows[low] == row ? low : nil
        }
    }
}

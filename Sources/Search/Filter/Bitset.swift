/// A fixed-size set of row numbers, one bit per row, for filters and tombstones.
public struct Bitset: Sendable, Hashable {
    /// The bits, row `r` in word `r / 64`, bit `r % 64`.
    public private(set) var words: [UInt64]
    /// Number of rows covered.
    public private(set) var count: Int

    /// Creates a bitset of `count` rows, all clear (or all set).
    public init(count: Int, allSet: Bool = false) {
        self.count = count
        words = [UInt64](repeating: allSet ? ~0 : 0, count: (count + 63) / 64)
        if allSet { clearTail() }
    }

    /// Whether `row` is in the set (rows outside `0..<count` are not).
    @inline(__always)
    public func contains(_ row: Int) -> Bool {
        guard row >= 0, row < count else { return false }
        return words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// Adds `row`.
    public mutating func insert(_ row: Int) {
        precondition(row >= 0 && row < count, "Bitset.insert: row \(row) outside 0..<\(count)")
        words[row >> 6] |= 1 << UInt64(row & 63)
    }

    /// Removes `row`.
    public mutating func remove(_ row: Int) {
        guard row >= 0, row < count else { return }
        words[row >> 6] &= ~(1 << UInt64(row & 63))
    }

    /// Grows (new rows clear, or set) or shrinks the set to `newCount` rows.
    public mutating func resize(to newCount: Int, newRowsSet: Bool = false) {
        let oldCount = count
        let wordCount = (newCount + 63) / 64
        if words.count > wordCount {
            words.removeLast(words.count - wordCount)
        } else {
            words.append(contentsOf: repeatElement(0, count: wordCount - words.count))
        }
        count = newCount
        clearTail()
        if newRowsSet, newCount > oldCount {
            for row in oldCount ..< newCount { insert(row) }
        }
    }

    /// Keeps only rows also in `other` (rows beyond `other.count` are dropped).
    public mutating func formIntersection(_ other: Bitset) {
        for index in words.indices {
            words[index] &= index < other.words.count ? other.words[index] : 0
        }
    }

    /// Adds every row of `other` that is below `count`.
    public mutating func formUnion(_ other: Bitset) {
        for index in 0 ..< min(words.count, other.words.count) {
            words[index] |= other.words[index]
        }
        clearTail()
    }

    /// Number of rows in the set.
    public var cardinality: Int {
        words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// The rows in the set, ascending.
    public var rows: [Int] {
        var result: [Int] = []
        for (index, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(index << 6 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
        return result
    }

    private mutating func clearTail() {
        if count & 63 != 0, !words.isEmpty {
            words[words.count - 1] &= (1 << UInt64(count & 63)) - 1
        }
    }
}

/// Keeps the `k` highest-keyed rows seen so far in a binary min-heap; ties keep the lower row.
public struct TopK: Sendable {
    /// How many rows are kept.
    public let k: Int
    /// The kept keys, in heap order.
    public private(set) var keys: [Float] = []
    /// The kept rows, in heap order.
    public private(set) var rows: [Int] = []

    /// An empty heap for the `k` best rows.
    public init(k: Int) {
        self.k = max(0, k)
        keys.reserveCapacity(self.k)
        rows.reserveCapacity(self.k)
    }

    /// The key a candidate must beat once the heap is full (−∞ before).
    @inline(__always)
    public var threshold: Float { keys.count < k ? -.infinity : keys[0] }

    /// Offers a candidate.
    @inline(__always)
    public mutating func push(_ key: Float, row: Int) {
        if keys.count < k {
            keys.append(key)
            rows.append(row)
            siftUp(keys.count - 1)
        } else if k > 0, Self.better(key, row, than: keys[0], rows[0]) {
            keys[0] = key
            rows[0] = row
            siftDown(0)
        }
    }

    /// Offers every entry of another heap.
    public mutating func merge(_ other: TopK) {
        for index in other.keys.indices { push(other.keys[index], row: other.rows[index]) }
    }

    /// (key, row) pairs, best first.
    public func sorted() -> [(key: Float, row: Int)] {
        zip(keys, rows).map { (key: $0.0, row: $0.1) }
            .sorted { Self.better($0.key, $0.row, than: $1.key, $1.row) }
    }

    @inline(__always)
    static func better(_ key: Float, _ row: Int, than otherKey: Float, _ otherRow: Int) -> Bool {
        key > otherKey || (key == otherKey && row < otherRow)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.better(keys[parent], rows[parent], than: keys[child], rows[child]) else { return }
            keys.swapAt(parent, child)
            rows.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var worst = parent
            if left < keys.count, Self.better(keys[worst], rows[worst], than: keys[left], rows[left]) { worst = left }
            if right < keys.count, Self.better(keys[worst], rows[worst], than: keys[right], rows[right]) { worst = right }
            if worst == parent { return }
            keys.swapAt(parent, worst)
            rows.swapAt(parent, worst)
            parent = worst
        }
    }
}

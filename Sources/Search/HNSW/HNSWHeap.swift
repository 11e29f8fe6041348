/// A node reached during a graph walk: its row and its distance to the query (lower is nearer).
struct HNSWCandidate {
    var distance: Float
    var row: Int32

    /// Nearer first; equal distances by lower row (keeps results deterministic).
    @inline(__always)
    static func nearer(_ a: HNSWCandidate, _ b: HNSWCandidate) -> Bool {
        a.distance < b.distance || (a.distance == b.distance && a.row < b.row)
    }
}

/// A binary heap of candidates in reusable memory: `Nearest` on top (min-heap) or farthest (max-heap).
struct HNSWHeap {
    private(set) var storage: UnsafeMutablePointer<HNSWCandidate>
    private(set) var count = 0
    private(set) var capacity: Int
    /// True: the farthest candidate is on top.
    let farthestOnTop: Bool

    init(capacity: Int, farthestOnTop: Bool) {
        self.capacity = max(16, capacity)
        storage = .allocate(capacity: self.capacity)
        self.farthestOnTop = farthestOnTop
    }

    /// Frees the memory (the heap is unusable afterwards).
    func deallocate() { storage.deallocate() }

    @inline(__always) mutating func removeAll() { count = 0 }
    @inline(__always) var isEmpty: Bool { count == 0 }
    /// The top candidate (nearest or farthest); the heap must not be empty.
    @inline(__always) var top: HNSWCandidate { storage[0] }

    /// Whether `a` belongs above `b`.
    @inline(__always)
    private func above(_ a: HNSWCandidate, _ b: HNSWCandidate) -> Bool {
        farthestOnTop ? HNSWCandidate.nearer(b, a) : HNSWCandidate.nearer(a, b)
    }

    @inline(__always)
    mutating func push(_ candidate: HNSWCandidate) {
        if count == capacity { grow() }
        var child = count
        count += 1
        while child > 0 {
            let parent = (child - 1) >> 1
            guard above(candidate, storage[parent]) else { break }
            storage[child] = storage[parent]
            child = parent
        }
        storage[child] = candidate
    }

    @inline(__always)
    @discardableResult
    mutating func pop() -> HNSWCandidate {
        let result = storage[0]
        count -= 1
        guard count > 0 else { return result }
        let last = storage[count]
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let child = right < count && above(storage[right], storage[left]) ? right : left
            guard above(storage[child], last) else { break }
            storage[parent] = storage[child]
            parent = child
        }
        storage[parent] = last
        return result
    }

    /// The candidates in heap order (not sorted).
    var elements: UnsafeMutableBufferPointer<HNSWCandidate> { UnsafeMutableBufferPointer(start: storage, count: count) }

    private mutating func grow() {
        let bigger = UnsafeMutablePointer<HNSWCandidate>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity *= 2
    }
}

import Synchronization

/// One thread's reusable working memory for graph walks: a generation-stamped visited set, the two heaps,
/// a query buffer and candidate lists. Taken from an `HNSWScratchPool` per insertion batch or search.
///
/// `@unchecked Sendable` (mutable state and raw buffers) because a scratch has one user at a time:
/// `HNSWScratchPool.with` pops it from the pool's `Mutex`, lends it to a single `body` on the calling
/// thread, and pushes it back under the same `Mutex` when `body` returns; nothing else keeps a reference
/// (the graph and index only hold the pool). The mutex's unlock after the push and lock before the next
/// pop order every write of one user before any read of the next, on whatever thread that runs.
final class HNSWScratch: @unchecked Sendable {
    private(set) var stamps: UnsafeMutablePointer<UInt32>
    private(set) var stampCapacity: Int
    private var generation: UInt32 = 0
    var candidates: HNSWHeap
    var results: HNSWHeap
    /// Prepared query, `stride` floats.
    let query: UnsafeMutablePointer<Float>
    /// Decoded row / spare floats, `stride` floats.
    let spare: UnsafeMutablePointer<Float>
    /// Candidate lists for neighbour selection.
    var list: UnsafeMutablePointer<HNSWCandidate>
    var selected: UnsafeMutablePointer<HNSWCandidate>
    var merge: UnsafeMutablePointer<HNSWCandidate>
    var pruned: UnsafeMutablePointer<HNSWCandidate>
    private(set) var listCapacity: Int
    /// Filter ∧ live rows of a filtered search.
    var allowed: [UInt64] = []

    init(rows: Int, stride: Int, listCapacity: Int) {
        stampCapacity = max(64, rows)
        stamps = .allocate(capacity: stampCapacity)
        stamps.initialize(repeating: 0, count: stampCapacity)
        candidates = HNSWHeap(capacity: 256, farthestOnTop: false)
        results = HNSWHeap(capacity: 256, farthestOnTop: true)
        query = .allocate(capacity: stride)
        query.initialize(repeating: 0, count: stride)
        spare = .allocate(capacity: stride)
        spare.initialize(repeating: 0, count: stride)
        self.listCapacity = listCapacity
        list = .allocate(capacity: listCapacity)
        selected = .allocate(capacity: listCapacity)
        merge = .allocate(capacity: listCapacity)
        pruned = .allocate(capacity: listCapacity)
    }

    deinit {
        stamps.deallocate()
        candidates.deallocate()
        results.deallocate()
        query.deallocate()
        spare.deallocate()
        list.deallocate()
        selected.deallocate()
        merge.deallocate()
        pruned.deallocate()
    }

    /// Makes room for `rows` rows and candidate lists of `count`.
    func reserve(rows: Int, list count: Int) {
        if rows > stampCapacity {
            let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: max(rows, stampCapacity * 3 / 2))
            let newCapacity = max(rows, stampCapacity * 3 / 2)
            grown.initialize(repeating: 0, count: newCapacity)
            stamps.deallocate()
            stamps = grown
            stampCapacity = newCapacity
            generation = 0
        }
        if count > listCapacity {
            list.deallocate()
            selected.deallocate()
            merge.deallocate()
            pruned.deallocate()
            listCapacity = count
            list = .allocate(capacity: count)
            selected = .allocate(capacity: count)
            merge = .allocate(capacity: count)
            pruned = .allocate(capacity: count)
        }
    }

    /// Starts a new walk: every row counts as unvisited.
    @inline(__always)
    func clearVisited() {
        generation &+= 1
        if generation == 0 {
            stamps.update(repeating: 0, count: stampCapacity)
            generation = 1
        }
    }

    /// The visited set of the current walk, as a value (cheap to use in loops).
    var visitedSet: HNSWVisited { HNSWVisited(stamps: stamps, generation: generation) }

    /// Marks `row` visited; returns whether it already was.
    @inline(__always)
    func visit(_ row: Int) -> Bool {
        if stamps[row] == generation { return true }
        stamps[row] = generation
        return false
    }
}

/// The visited set of one walk: rows whose stamp equals the walk's generation.
struct HNSWVisited {
    let stamps: UnsafeMutablePointer<UInt32>
    let generation: UInt32

    /// Marks `row` visited; returns whether it already was.
    @inline(__always)
    func visit(_ row: Int) -> Bool {
        if stamps[row] == generation { return true }
        stamps[row] = generation
        return false
    }
}

/// Scratch objects shared by the searches and insertions of one index.
final class HNSWScratchPool: Sendable {
    private let free = Mutex<[HNSWScratch]>([])

    /// Runs `body` with a scratch sized for `rows` rows, returned to the pool afterwards.
    func with<Result>(rows: Int, stride: Int, list: Int, _ body: (HNSWScratch) -> Result) -> Result {
        let scratch = free.withLock { $0.popLast() } ?? HNSWScratch(rows: rows, stride: stride, listCapacity: list)
        scratch.reserve(rows: rows, list: list)
        defer { free.withLock { $0.append(scratch) } }
        return body(scratch)
    }

    /// Drops every pooled scratch (after a large index shrinks or is copied).
    func drain() {
        free.withLock { $0.removeAll() }
    }
}

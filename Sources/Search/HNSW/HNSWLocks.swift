import Synchronization

/// Per-node locks for parallel insertion, striped over a fixed pool of mutexes (node `r` uses stripe
/// `r mod stripes`); a thread never holds two at once, so stripes cannot deadlock.
///
/// `@unchecked Sendable` because the stripes live behind a raw pointer: it is allocated and every
/// `Mutex` initialised in `init`, never reassigned, and deinitialised and freed in `deinit` (when no
/// thread can hold a reference any more); in between, threads only borrow a `Mutex` (itself `Sendable`)
/// through `withLock`, so the only state shared across threads is the mutexes' own.
final class HNSWLocks: @unchecked Sendable {
    private let mutexes: UnsafeMutablePointer<Mutex<Void>>
    private let mask: Int

    /// 64Ki stripes: with a handful of threads two nodes rarely share one.
    init(stripes: Int = 1 << 16) {
        precondition(stripes > 0 && stripes & (stripes - 1) == 0, "HNSWLocks: stripes must be a power of two")
        mask = stripes - 1
        mutexes = .allocate(capacity: stripes)
        for index in 0 ..< stripes { (mutexes + index).initialize(to: Mutex(())) }
    }

    deinit {
        mutexes.deinitialize(count: mask + 1)
        mutexes.deallocate()
    }

    /// Runs `body` holding the lock of `node`.
    @inline(__always)
    func withLock<Result>(_ node: Int, _ body: () -> Result) -> Result {
        mutexes[node & mask].withLock { _ in body() }
    }
}

/// A counter handing out chunks of work to threads.
final class HNSWWorkQueue: Sendable {
    /// Start of the next chunk; may run past `end` once everything is taken.
    private let next: Atomic<Int>
    private let end: Int
    private let chunk: Int

    /// Work items `range`, handed out `chunk` at a time.
    init(_ range: Range<Int>, chunk: Int) {
        next = Atomic(range.lowerBound)
        end = range.upperBound
        self.chunk = max(1, chunk)
    }

    /// The next chunk, or nil when all are taken.
    ///
    /// Relaxed ordering suffices: the counter only splits the range (each start is handed out once by
    /// the atomic add); the items' data was written before the threads started.
    func take() -> Range<Int>? {
        let start = next.wrappingAdd(chunk, ordering: .relaxed).oldValue
        guard start < end else { return nil }
        return start ..< min(end, start + chunk)
    }
}

import Foundation

/// Per-node locks for parallel insertion, striped over a fixed pool of mutexes (node `r` uses stripe
/// `r mod stripes`); a thread never holds two at once, so stripes cannot deadlock.
final class HNSWLocks: @unchecked Sendable {
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private let mask: Int

    /// 64Ki stripes: with a handful of threads two nodes rarely share one.
    init(stripes: Int = 1 << 16) {
        precondition(stripes > 0 && stripes & (stripes - 1) == 0, "HNSWLocks: stripes must be a power of two")
        mask = stripes - 1
        mutexes = .allocate(capacity: stripes)
        for index in 0 ..< stripes { pthread_mutex_init(mutexes + index, nil) }
    }

    deinit {
        for index in 0 ... mask { pthread_mutex_destroy(mutexes + index) }
        mutexes.deallocate()
    }

    /// Runs `body` holding the lock of `node`.
    @inline(__always)
    func withLock<Result>(_ node: Int, _ body: () -> Result) -> Result {
        let mutex = mutexes + (node & mask)
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}

/// A counter handing out chunks of work to threads.
final class HNSWWorkQueue: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var next: Int
    private let end: Int
    private let chunk: Int

    /// Work items `range`, handed out `chunk` at a time.
    init(_ range: Range<Int>, chunk: Int) {
        next = range.lowerBound
        end = range.upperBound
        self.chunk = max(1, chunk)
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// The next chunk, or nil when all are taken.
    func take() -> Range<Int>? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard next < end else { return nil }
        let start = next
        next = min(end, next + chunk)
        return start ..< next
    }
}

import Foundation

/// A fixed set of threads for CPU-heavy work (decoding, thumbnails, vector scans), kept apart from
/// Swift's cooperative pool and from the event loops, so slow work never stalls request handling.
///
/// Used as a task executor: `pool.run { … }` runs the closure's synchronous parts on these threads.
/// The threads end when the pool is released.
public final class WorkerPool: TaskExecutor, @unchecked Sendable {
    private let queue = JobQueue()
    /// Number of threads.
    public let threads: Int

    /// Starts `threads` threads (0 = one per core).
    public init(threads: Int = 0, name: String = "lk-cpu") {
        self.threads = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let executor = UnownedTaskExecutor(ordinary: self)
        for index in 0 ..< self.threads {
            let queue = self.queue
            let threadName = "\(name).\(index)"
            let thread = Thread {
                Thread.current.name = threadName  // from inside: a name set before start is lost on Linux (15 characters at most)
                while let job = queue.next() { job.runSynchronously(on: executor) }
            }
            thread.stackSize = 2 << 20
            thread.start()
        }
    }

    deinit { queue.stop() }

    /// Runs `body` with this pool as its preferred executor and returns its result.
    public func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(self, operation: body)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        queue.push(UnownedJob(job))
    }
}

/// Jobs waiting for a thread, first in first out.
private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0
    private var stopped = false

    func push(_ job: UnownedJob) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// The next job, waiting for one; nil once stopped.
    func next() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while head == jobs.count && !stopped { condition.wait() }
        guard head < jobs.count, !stopped else { return nil }
        let job = jobs[head]
        head += 1
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        }
        return job
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}

import Foundation
import Synchronization

/// A fixed set of threads for CPU-heavy work (decoding, thumbnails, vector scans), kept apart from
/// Swift's cooperative pool and from the event loops, so slow work never stalls request handling.
///
/// Used as a task executor: `pool.run { … }` starts the closure on these threads, and the runtime resumes
/// it here after each suspension (as a preference: it may also resume on Swift's global pool, never on
/// an event loop).
/// The threads end when the pool is released.
public final class WorkerPool: TaskExecutor, Sendable {
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
    ///
    /// The body runs as a child task enqueued on this pool: `withTaskExecutorPreference` alone may
    /// start the body on the caller's thread until its first suspension, which put decoding back on
    /// Swift's shared pool under load.
    public func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask(executorPreference: self, operation: body)
            guard let result = try await group.next() else { throw CancellationError() }
            return result
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        queue.push(UnownedJob(job))
    }
}

/// Jobs waiting for a thread, first in first out.
private final class JobQueue: Sendable {
    /// The jobs not yet taken (from `head` on), and whether the pool stopped.
    private struct State {
        var jobs: [UnownedJob] = []
        var head = 0
        var stopped = false
    }

    private let state = Mutex(State())
    /// Signalled once per job pushed, and once more by `stop` and by each thread that sees the stop (so
    /// every waiting thread wakes in turn): a thread waits on it before looking at `state`.
    private let wakeups = DispatchSemaphore(value: 0)

    func push(_ job: UnownedJob) {
        state.withLock { $0.jobs.append(job) }
        wakeups.signal()
    }

    /// The next job, waiting for one; nil once stopped.
    func next() -> UnownedJob? {
        while true {
            wakeups.wait()
            let (job, stopped): (UnownedJob?, Bool) = state.withLock { state in
                guard !state.stopped else { return (nil, true) }
                guard state.head < state.jobs.count else { return (nil, false) }
                let job = state.jobs[state.head]
                state.head += 1
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return (job, false)
            }
            if stopped {
                wakeups.signal()  // pass the stop on to the next waiting thread
                return nil
            }
            if let job { return job }
        }
    }

    func stop() {
        state.withLock { $0.stopped = true }
        wakeups.signal()
    }
}

import Synchronization

/// Runs `body` and returns its result, or throws `expired()` once `limit` has passed, whichever comes
/// first. At the deadline `body` is cancelled and the caller returns at once, even if `body` does not
/// notice the cancellation (a connection request to a server that never answers, a query on a socket
/// that stays silent). Cancelling the caller cancels `body` the same way.
public func withDeadline<T: Sendable>(_ limit: Duration, expired: @escaping @Sendable () -> any Error,
                               _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation)
            let timer = Task {
                try? await Task.sleep(for: limit)
                guard !Task.isCancelled else { return }
                race.finish(.failure(expired()))
            }
            race.setTimer(timer)
            race.setWorker(Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                timer.cancel()
                race.finish(result)
            })
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The shared state of one `withDeadline` call: the caller's continuation, resumed exactly once by
/// whichever of the body, the timer or a cancellation ends first, and the body's and the timer's tasks,
/// both cancelled then.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var worker: Task<Void, Never>?
        var timer: Task<Void, Never>?
        var result: Result<T, any Error>?
        var done: Bool { result != nil }
    }
    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let result = state.result { return result }  // cancelled before it began
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func setWorker(_ worker: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            state.worker = worker
            return state.done
        }
        if finished { worker.cancel() }
    }

    func setTimer(_ timer: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            state.timer = timer
            return state.done
        }
        if finished { timer.cancel() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, worker, timer) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Task<Void, Never>?, Task<Void, Never>?) in
            guard !state.done else { return (nil, nil, nil) }
            state.result = result
            defer { state.continuation = nil }
            return (state.continuation, state.worker, state.timer)
        }
        worker?.cancel()
        timer?.cancel()
        continuation?.resume(with: result)
    }
}

import COpenVINO
import Dispatch
import Synchronization

/// A fixed set of OpenVINO infer requests lent to one caller at a time, so many threads can run
/// inference concurrently without a global lock around it.
///
/// `@unchecked Sendable` only for the request handles (`OpaquePointer`s, which Swift cannot check):
/// `all` is set in `init` and never changes; a request is used by one caller at a time, because it is
/// lent only after its index was popped from `idle` (under the `Mutex`) and is pushed back (under it)
/// once the caller is done, so an `ov_infer_request_t` never sees two threads at once, as OpenVINO
/// requires; the mutex's unlock/lock orders one borrower's use before the next's. The pool owns the
/// compiled model its requests were made from: `deinit`, when no borrower can remain, frees the requests
/// and then the compiled model, never the other way round.
final class InferRequestPool: @unchecked Sendable {
    private let compiled: OpaquePointer
    private let all: [OpaquePointer]
    /// Indices in `all` of the requests not lent out.
    private let idle: Mutex<[Int]>
    /// Counts the idle requests: a borrower waits on it before popping, so `idle` is never empty then.
    private let available: DispatchSemaphore

    /// Creates `count` requests on a compiled model, which the pool then owns (and frees, also when this throws).
    init(owning compiled: OpaquePointer, count: Int) throws {
        var requests: [OpaquePointer] = []
        do {
            for _ in 0..<max(1, count) {
                var request: OpaquePointer?
                try OpenVINOCore.check(ov_compiled_model_create_infer_request(compiled, &request), "create an infer request")
                if let request { requests.append(request) }
            }
        } catch {
            requests.forEach { ov_infer_request_free($0) }
            ov_compiled_model_free(compiled)
            throw error
        }
        self.compiled = compiled
        all = requests
        idle = Mutex(Array(requests.indices))
        available = DispatchSemaphore(value: requests.count)
    }

    deinit {
        all.forEach { ov_infer_request_free($0) }
        ov_compiled_model_free(compiled)
    }

    /// Number of requests in the pool.
    var capacity: Int { all.count }

    /// Runs `body` with a request of its own, waiting while all are busy.
    func withRequest<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        available.wait()
        let index = idle.withLock { $0.removeLast() }
        defer {
            idle.withLock { $0.append(index) }
            available.signal()
        }
        return try body(all[index])
    }
}

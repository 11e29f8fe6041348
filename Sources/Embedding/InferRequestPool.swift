import COpenVINO
import Foundation

/// A fixed set of OpenVINO infer requests lent to one caller at a time, so many threads can run
/// inference concurrently without a global lock around it.
final class InferRequestPool: @unchecked Sendable {
    private var idle: [OpaquePointer]
    private let all: [OpaquePointer]
    private let condition = NSCondition()

    /// Creates `count` requests on a compiled model.
    init(compiled: OpaquePointer, count: Int) throws {
        var requests: [OpaquePointer] = []
        for _ in 0..<max(1, count) {
            var request: OpaquePointer?
            try OpenVINOCore.check(ov_compiled_model_create_infer_request(compiled, &request), "create an infer request")
            if let request { requests.append(request) }
        }
        all = requests
        idle = requests
    }

    deinit { all.forEach { ov_infer_request_free($0) } }

    /// Number of requests in the pool.
    var capacity: Int { all.count }

    /// Runs `body` with a request of its own, waiting while all are busy.
    func withRequest<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
        condition.lock()
        while idle.isEmpty { condition.wait() }
        let request = idle.removeLast()
        condition.unlock()
        defer {
            condition.lock()
            idle.append(request)
            condition.signal()
            condition.unlock()
        }
        return try body(request)
    }
}

import Dispatch
import Synchronization

/// `(0 ..< count).map(transform)` with the calls spread over all cores; the results keep their order.
/// For CPU-bound work such as decoding a batch of images.
public func concurrentMap<T: Sendable>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
    let results = Mutex([T?](repeating: nil, count: count))
    DispatchQueue.concurrentPerform(iterations: count) { index in
        let value = transform(index)
        results.withLock { $0[index] = value }
    }
    return results.withLock { $0.compactMap { $0 } }
}

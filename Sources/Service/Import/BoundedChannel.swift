import Foundation

/// A queue from producer threads to one async consumer that blocks producers when `capacity`
/// values wait, so a fast source never outruns the model (bounded memory on any catalog size).
final class BoundedChannel<Value: Sendable>: Sendable {
    private let slots: DispatchSemaphore
    private let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation

    init(capacity: Int) {
        slots = DispatchSemaphore(value: capacity)
        (stream, continuation) = AsyncStream<Value>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Sends a value, waiting (on this thread) while the channel is full.
    func send(_ value: Value) {
        slots.wait()
        continuation.yield(value)
    }

    /// Ends the stream after the values already sent.
    func finish() { continuation.finish() }

    /// The values, each freeing a slot as it is taken.
    var values: AsyncMapSequence<AsyncStream<Value>, Value> {
        stream.map { [slots] value in
            slots.signal()
            return value
        }
    }
}

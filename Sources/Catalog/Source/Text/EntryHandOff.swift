import Foundation

/// Entries produced on a thread of their own (a push parser such as `XMLParser`) and taken one by one by an
/// iterator: at most `capacity` wait, so memory stays bounded on any feed size. When the iterator is dropped,
/// the producer's next `put` returns false and it stops.
final class EntryHandOff: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [SourceEntry] = []
    private var head = 0
    private var finished = false
    private var cancelled = false

    /// Runs `produce` on a new thread; it calls `put` for each entry and returns when done.
    static func iterator(capacity: Int = 256, name: String,
                         produce: @escaping @Sendable (EntryHandOff) -> Void) -> some IteratorProtocol<SourceEntry> {
        let handOff = EntryHandOff(capacity: capacity)
        let thread = Thread {
            produce(handOff)
            handOff.finish()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
        return Consumer(handOff: handOff)
    }

    private init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds an entry, waiting while `capacity` wait; false when the consumer is gone (stop producing).
    func put(_ entry: SourceEntry) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(entry)
        condition.broadcast()
        return true
    }

    private func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func take() -> SourceEntry? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !finished { condition.wait() }
        guard head < queue.count else { return nil }
        let entry = queue[head]
        head += 1
        if head >= capacity {
            queue.removeFirst(head)  // amortised: once per `capacity` entries taken
            head = 0
        }
        condition.broadcast()
        return entry
    }

    private func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consuming side; dropping it stops the producer.
    private final class Consumer: IteratorProtocol {
        let handOff: EntryHandOff
        init(handOff: EntryHandOff) { self.handOff = handOff }
        deinit { handOff.cancel() }
        func next() -> SourceEntry? { handOff.take() }
    }
}

import Dispatch
import Embedding
import Foundation
import Imaging

/// Embeds query images in batches: queries that arrive while the model is busy (or within a short
/// window) go to the model together, in one `embedder.embed([RGBImage])` call.
///
/// The model runs on threads of the batcher's own (never on Swift's cooperative pool), so a
/// server's request handling keeps going while a batch is in the model. With one worker (the
/// default) a lone query goes to the model at once — no added latency — and under load the batch
/// grows by itself to everything that queued up during the previous model call.
public final class QueryBatcher: @unchecked Sendable {
    /// How batches are formed.
    public struct Options: Sendable {
        /// Largest batch sent to the model at once.
        public var maxBatch: Int = 16
        /// Extra wait for company when only one query is queued (0 = none: batch only what queued up).
        public var window: Duration = .zero
        /// Threads calling the model; each runs one batch at a time.
        public var workers: Int = 1

        /// Default options.
        public init() {}
    }

    /// One embedded query and what it cost.
    public struct Embedding: Sendable {
        /// The L2-normalised vector.
        public let vector: [Float]
        /// How many queries shared the model call.
        public let batchSize: Int
        /// This query's place in its batch (0 for the first: count batches by counting zeros).
        public let positionInBatch: Int
        /// Milliseconds spent waiting for the model.
        public let queueMilliseconds: Double
        /// Milliseconds the model call took (for the whole batch).
        public let modelMilliseconds: Double

        /// The same accounting with another vector (e.g. the mean of several views of one photo).
        public func with(vector: [Float]) -> Embedding {
            Embedding(vector: vector, batchSize: batchSize, positionInBatch: positionInBatch,
                      queueMilliseconds: queueMilliseconds, modelMilliseconds: modelMilliseconds)
        }
    }

    /// Totals since start, for metrics.
    public struct Statistics: Sendable {
        /// Model calls made.
        public var batches = 0
        /// Queries embedded.
        public var queries = 0
        /// Queries currently waiting for the model.
        public var waiting = 0
    }

    /// The model the queries go through.
    public let embedder: any ImageEmbedder
    /// The options the batcher was made with.
    public let options: Options
    private let queue: PendingQueue

    /// Starts the worker threads.
    public init(embedder: any ImageEmbedder, options: Options = .init()) {
        precondition(options.maxBatch >= 1 && options.workers >= 1, "QueryBatcher: maxBatch and workers must be at least 1")
        self.embedder = embedder
        self.options = options
        self.queue = PendingQueue()
        for index in 0 ..< options.workers {
            let queue = self.queue
            let thread = Thread {
                Thread.current.name = "lk-embed-\(index)"  // Linux keeps 15 characters
                Self.work(queue: queue, embedder: embedder, options: options)
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit { queue.stop() }

    /// Embeds one decoded query (at the model's input size), sharing a model call with the queries around it.
    public func embed(_ image: RGBImage) async throws -> Embedding {
        try await withCheckedThrowingContinuation { continuation in
            queue.push(Pending(image: image, continuation: continuation, enqueued: DispatchTime.now().uptimeNanoseconds))
        }
    }

    /// Embeds several decoded queries at once (e.g. the views of one photo); results in input order.
    public func embed(_ images: [RGBImage]) async throws -> [Embedding] {
        try await withThrowingTaskGroup(of: (Int, Embedding).self) { group in
            for (i, image) in images.enumerated() { group.addTask { (i, try await self.embed(image)) } }
            var out = [Embedding?](repeating: nil, count: images.count)
            for try await (i, embedding) in group { out[i] = embedding }
            return out.compactMap { $0 }
        }
    }

    /// Totals since start.
    public var statistics: Statistics { queue.statistics }

    /// Stops the workers once the queries already queued are answered; later calls fail.
    public func shutdown() { queue.stop() }

    /// A worker: takes what is queued (up to `maxBatch`), runs the model once, answers each query.
    private static func work(queue: PendingQueue, embedder: any ImageEmbedder, options: Options) {
        while let batch = queue.take(max: options.maxBatch, window: options.window) {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = Result { try embedder.embed(batch.map(\.image)) }
            let end = DispatchTime.now().uptimeNanoseconds
            let modelMilliseconds = Double(end - start) / 1e6
            switch result {
            case .success(let vectors):
                for (position, (pending, vector)) in zip(batch, vectors).enumerated() {
                    pending.continuation.resume(returning: Embedding(
                        vector: vector, batchSize: batch.count, positionInBatch: position,
                        queueMilliseconds: Double(start - min(start, pending.enqueued)) / 1e6,
                        modelMilliseconds: modelMilliseconds))
                }
            case .failure(let error):
                batch.forEach { $0.continuation.resume(throwing: error) }
            }
        }
    }
}

/// A query waiting for the model.
private struct Pending: Sendable {
    let image: RGBImage
    let continuation: CheckedContinuation<QueryBatcher.Embedding, Error>
    let enqueued: UInt64
}

/// The queries waiting for the model, shared by the caller side and the worker threads.
private final class PendingQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var stopped = false
    private var totals = QueryBatcher.Statistics()

    func push(_ item: Pending) {
        condition.lock()
        if stopped {
            condition.unlock()
            item.continuation.resume(throwing: EmbeddingError.invalidArgument("the query batcher has been shut down"))
            return
        }
        pending.append(item)
        condition.signal()
        condition.unlock()
    }

    /// Waits for at least one query; returns up to `max` of them, or nil once stopped and drained.
    func take(max: Int, window: Duration) -> [Pending]? {
        condition.lock()
        defer { condition.unlock() }
        let (seconds, attoseconds) = window.components
        let windowNanoseconds = UInt64(Swift.max(0, Double(seconds) * 1e9 + Double(attoseconds) / 1e9))
        while true {
            while pending.isEmpty && !stopped { condition.wait() }
            if pending.isEmpty { return nil }
            // Wait for company until the OLDEST query has waited `window` (every worker keeps the same
            // deadline, so a second idle worker cannot grab a partial batch early or restart the window).
            if pending.count < max, windowNanoseconds > 0, !stopped {
                let now = DispatchTime.now().uptimeNanoseconds
                let waited = now - min(now, pending[0].enqueued)
                if waited < windowNanoseconds {
                    let deadline = Date(timeIntervalSinceNow: Double(windowNanoseconds - waited) / 1e9)
                    while pending.count < max, !pending.isEmpty, !stopped, condition.wait(until: deadline) {}
                }
            }
            if !pending.isEmpty { break }  // another worker took them all: wait again
        }
        let batch = Array(pending.prefix(max))
        pending.removeFirst(batch.count)
        totals.batches += 1
        totals.queries += batch.count
        if !pending.isEmpty { condition.signal() }
        return batch
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    var statistics: QueryBatcher.Statistics {
        condition.lock()
        defer { condition.unlock() }
        var copy = totals
        copy.waiting = pending.count
        return copy
    }
}

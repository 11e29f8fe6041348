import Catalog
import Foundation
import Synchronization

/// How an import runs.
public struct ImportOptions: Sendable {
    /// Images embedded per model call and per stored transaction.
    public var batchSize: Int = 32
    /// Decoding threads (0 = one per core).
    public var decodeThreads: Int = 0
    /// Decoded images allowed to wait for the model; bounds memory on any catalog size.
    public var maxInFlight: Int = 256
    /// Remove stored products the source no longer lists (only after a complete run).
    public var prune: Bool = false
    /// Where images that exist only as pixels (Fashion-MNIST) are written as PNG files.
    public var assetsDirectory: URL?
    /// Also store each product's exact-item signature (`ItemSignature`, 1,024 values) for `verify` photo queries.
    public var itemSignatures: Bool = false
    /// Stop after this many items (for trials); nil = all.
    public var limit: Int?
    /// How images given by http(s) URL are downloaded (into `assetsDirectory`).
    public var remote = RemoteFetchOptions()
    /// Told of each batch once it is stored (products with their vectors and signatures): a running server
    /// makes them searchable at once.
    public var onStored: (@Sendable ([StoredItem]) -> Void)?
    /// Told of the ids `prune` removed.
    public var onRemoved: (@Sendable ([String]) -> Void)?

    /// Default options.
    public init() {}
}

/// A product as an import stored it.
public struct StoredItem: Sendable {
    /// The product.
    public var product: Product
    /// Its primary image's catalog vector.
    public var vector: [Float]
    /// The catalog vectors of `product.images`, in the same order.
    public var imageVectors: [[Float]]
    /// Its item signature, when the import stores them.
    public var signature: [Float]?
}

/// What an import did, printed at the end and saved with the run.
public struct ImportSummary: Sendable, Codable {
    /// The import run's id in the store.
    public var runID: Int64
    /// The source's description.
    public var source: String
    /// Items newly embedded or re-embedded because one of their images changed.
    public var indexed: Int = 0
    /// Images embedded: each indexed item's primary image and its additional images.
    public var imagesEmbedded: Int = 0
    /// Items skipped because their image is unchanged.
    public var unchanged: Int = 0
    /// Items that could not be imported, and additional images that could not be (their product is stored
    /// without them); reasons in `failures`.
    public var failed: Int = 0
    /// Stored products removed because the source no longer lists them (`--prune`).
    public var removed: Int = 0
    /// Whether the run was stopped before the end (Ctrl-C).
    public var interrupted: Bool = false
    /// Wall-clock seconds.
    public var seconds: Double = 0
    /// The first failures (all are stored with the run).
    public var failures: [String] = []
    /// What the downloads of images given by URL did (all zero for local images).
    public var downloads = RemoteFetchCounts()

    /// Images embedded per second.
    public var imagesPerSecond: Double { seconds > 0 ? Double(imagesEmbedded) / seconds : 0 }
}

/// Receives progress while an import runs (the CLI draws a progress bar).
public protocol ImportProgress: Sendable {
    /// Called every few hundred milliseconds and once at the end; `total` is nil while unknown.
    func update(done: Int, total: Int?, summary: ImportSummary)
}

/// A stop request shared with a signal handler: set it, and the import ends after the batch in flight.
public final class StopFlag: Sendable {
    private let stopped = Atomic(false)
    /// Creates an unset flag.
    public init() {}
    /// Asks the import to stop.
    public func stop() { stopped.store(true, ordering: .releasing) }
    /// Whether a stop was asked for.
    public var isStopped: Bool { stopped.load(ordering: .acquiring) }
}

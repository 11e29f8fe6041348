import Catalog
import Embedding
import Foundation
import Imaging
import Synchronization

/// Turns a catalog source into stored products and vectors — one per image: the primary one and each
/// additional image (`SourceItem.additionalImages`) — incremental (a product whose images are all
/// unchanged is skipped by content hash; one whose images changed has all of them embedded again), resumable (each batch is one transaction — two with item signatures, the
/// signatures second, so a product stopped between them is done again — so an interrupted run
/// loses nothing and duplicates nothing; rerunning finishes the job), and fault-tolerant (a bad
/// item is recorded with its reason and the import goes on).
///
/// Decoding runs on all cores, feeding batched inference through a bounded channel.
public final class ImportPipeline: Sendable {
    let store: any CatalogStore
    let embedder: any ImageEmbedder
    let options: ImportOptions

    /// Creates a pipeline writing to `store` with vectors from `embedder`.
    public init(store: any CatalogStore, embedder: any ImageEmbedder, options: ImportOptions = .init()) {
        self.store = store
        self.embedder = embedder
        self.options = options
    }

    /// Messages from decoding threads to the storing loop.
    private enum Event: Sendable {
        case prepared(PreparedItem)
        case problem(SourceProblem)
        case listingFailed(String)
    }

    /// Imports everything `source` lists; stops early (after the batch in flight) when `stop` is set.
    public func run(source: any CatalogSource, progress: (any ImportProgress)? = nil, stop: StopFlag = StopFlag()) async throws -> ImportSummary {
        let started = Date()
        try await markAbandonedRuns()
        var primaries = try await store.contentHashes(modelKey: embedder.modelKey)
        var signing: (any ItemSignatureStore)?
        if options.itemSignatures {
            guard let store = store as? any ItemSignatureStore else { throw ImportError.noItemSignatures }
            // A product is unchanged only when it has its signature too (e.g. the flag given to an existing catalog).
            let signed = try await store.itemSignatureHashes()
            primaries = primaries.filter { signed[$0.key] == $0.value }
            signing = store
        }
        let imageHashes = try await store.imageContentHashes(modelKey: embedder.modelKey)
        let known = primaries.mapValues { KnownImages(primary: $0, images: [:]) }.merging(
            imageHashes.compactMap { id, images in primaries[id].map { (id, KnownImages(primary: $0, images: images)) } },
            uniquingKeysWith: { _, withImages in withImages })
        let entries = try source.items()
        let runID = try await store.startImportRun(source: source.description)
        var summary = ImportSummary(runID: runID, source: source.description)
        if let assets = options.assetsDirectory { try OwnedImageFolder.prepare(assets) }
        // Images given by URL are downloaded into the import's image folder.
        let fetcher = options.assetsDirectory.map { RemoteImageFetcher(folder: $0, options: options.remote) }
        var lastCacheSave = Date()
        let listed = Self.count(source)
        let total = options.limit.map { limit in listed.map { min($0, limit) } ?? limit } ?? listed

        let channel = BoundedChannel<Event>(capacity: max(options.maxInFlight, options.batchSize))
        startProducer(entries: entries, known: known, channel: channel, stop: stop, fetcher: fetcher)

        var batch: [(product: Product, images: [RGBImage], signature: [Float]?)] = []
        var batchImages = 0
        var failures: [ImportFailure] = []
        var seen = Set<String>()
        var done = 0
        var lastReport = Date.distantPast
        var listingError: String?

        func fail(_ item: String, _ reason: String) {
            summary.failed += 1
            failures.append(ImportFailure(runID: runID, item: item, reason: reason))
            if summary.failures.count < 20 { summary.failures.append("\(item): \(reason)") }
        }
        func flush() async throws {
            guard !batch.isEmpty else { return }
            // Every image of the batch in one go; each product's vectors are then its slice, primary first.
            let vectors = try embedder.embedCatalog(batch.flatMap(\.images))
            var items: [UpsertItem] = []
            var next = 0
            for entry in batch {
                let own = vectors[next ..< next + entry.images.count]
                next += entry.images.count
                items.append(UpsertItem(product: entry.product, vector: own[own.startIndex], imageVectors: Array(own.dropFirst())))
            }
            if let signing {
                // Product, vectors and signature in one transaction.
                try await signing.upsert(zip(items, batch).map { (item: $0, signature: $1.signature ?? ItemSignature.blank) },
                                         modelKey: embedder.modelKey)
            } else {
                try await store.upsert(items, modelKey: embedder.modelKey)
            }
            summary.indexed += batch.count
            summary.imagesEmbedded += vectors.count
            if let onStored = options.onStored {
                onStored(zip(items, batch).map {
                    StoredItem(product: $0.product, vector: $0.vector, imageVectors: $0.imageVectors ?? [], signature: $1.signature)
                })
            }
            batch.removeAll(keepingCapacity: true)
            batchImages = 0
            if !failures.isEmpty {
                try await store.recordFailures(failures)
                failures.removeAll()
            }
            // What the downloads learnt is kept as the import goes: an interrupted import still saves re-downloads.
            if let fetcher, Date().timeIntervalSince(lastCacheSave) > 30 {
                try? fetcher.saveCache()
                lastCacheSave = Date()
            }
        }

        for await event in channel.values {
            switch event {
            case .problem(let problem):
                fail(problem.item, problem.reason)
            case .listingFailed(let reason):
                listingError = reason
            case .prepared(let item):
                done += 1
                switch item {
                case .unchanged(let id, let problems):
                    seen.insert(id)
                    summary.unchanged += 1
                    for problem in problems { fail(problem.item, problem.reason) }
                case .failed(let id, let reason):
                    seen.insert(id)
                    fail(id, reason)
                case .ready(let product, let images, let signature, let problems):
                    seen.insert(product.id)
                    // After a stop request only the batch in flight is finished: items decoded ahead of it are
                    // dropped (a rerun does them), so a stop never waits for a full queue to go through the model.
                    if stop.isStopped { continue }
                    for problem in problems { fail(problem.item, problem.reason) }
                    batch.append((product, images, signature))
                    batchImages += images.count
                    if batchImages >= options.batchSize { try await flush() }
                }
            }
            if let progress, Date().timeIntervalSince(lastReport) > 0.25 {
                lastReport = Date()
                summary.seconds = Date().timeIntervalSince(started)
                progress.update(done: done, total: total, summary: summary)
            }
        }
        try await flush()
        if !failures.isEmpty { try await store.recordFailures(failures) }
        if let fetcher {
            await fetcher.shutdown()
            summary.downloads = fetcher.counters
        }
        if let listingError { fail(source.description, listingError) }

        summary.interrupted = stop.isStopped
        if options.prune, !summary.interrupted, listingError == nil, options.limit == nil {
            let stale = try await store.allProductIDs().filter { !seen.contains($0) }
            summary.removed = try await store.remove(ids: stale)
            if !stale.isEmpty { options.onRemoved?(stale) }
            // Files in the import's own image folder that no product names (pruned products, items whose
            // import was interrupted between writing the file and storing the product) are deleted.
            if let assets = options.assetsDirectory { try await OwnedImageFolder(directory: assets).sweep(store: store) }
        }
        summary.seconds = Date().timeIntervalSince(started)
        progress?.update(done: done, total: total, summary: summary)
        let status: ImportStatus = summary.interrupted ? .interrupted : .completed
        try await store.finishImportRun(id: runID, status: status, counts: ImportCounts(
            indexed: summary.indexed, unchanged: summary.unchanged, failed: summary.failed, removed: summary.removed))
        return summary
    }

    /// Lists entries on a thread of its own and decodes items on all cores.
    private func startProducer(entries: AnySequence<SourceEntry>, known: [String: KnownImages], channel: BoundedChannel<Event>, stop: StopFlag,
                               fetcher: RemoteImageFetcher?) {
        let threads = options.decodeThreads > 0 ? options.decodeThreads : ProcessInfo.processInfo.activeProcessorCount
        let limit = options.limit ?? Int.max
        let embedder = self.embedder, assets = options.assetsDirectory, signatures = options.itemSignatures, remote = options.remote
        // The source's sequence is handed to the producer thread, its only user from here on.
        nonisolated(unsafe) let entries = entries
        let thread = Thread {
            let queue = DispatchQueue(label: "lookalike.decode", attributes: .concurrent)
            let group = DispatchGroup()
            let workers = DispatchSemaphore(value: threads)
            // Downloads wait on the network, not the CPU: up to `maxConcurrent` run as tasks (no thread waits
            // for one), and the producer hands each finished one to the decoders like a local item.
            let downloads = DispatchSemaphore(value: max(1, remote.maxConcurrent))
            let arrived = DispatchSemaphore(value: 0)
            let fetchedItems = FetchedItems()
            var started = 0, handedOver = 0
            func decode(_ item: SourceItem, fetched: [Int: Result<RemoteImage, RemoteFetchError>]?) {
                workers.wait()
                queue.async(group: group) {
                    let prepared = PreparedItem.prepare(item, known: known[item.id], embedder: embedder, assets: assets,
                                                        signatures: signatures, fetched: fetched ?? [:])
                    // Hand the result over before freeing the worker slot: a full channel then holds
                    // back the producer, instead of piling up blocked threads until the pool runs dry.
                    channel.send(.prepared(prepared))
                    workers.signal()
                }
            }
            func handOverFetched() {
                for (item, fetched) in fetchedItems.takeAll() {
                    handedOver += 1
                    decode(item, fetched: fetched)
                }
            }
            var listed = 0
            // Where each id was first listed: a later item with the same id is refused here, in listing order,
            // so the first one always wins whatever order the decoders finish in.
            var firstListed: [String: String] = [:]
            for entry in entries {
                if stop.isStopped || listed >= limit { break }
                handOverFetched()
                switch entry {
                case .problem(let problem):
                    channel.send(.problem(problem))
                case .item(let item):
                    let location = item.location ?? "item \(listed + 1)"
                    if let first = firstListed[item.id] {
                        channel.send(.problem(SourceProblem(item: "\(location) (id \(item.id))",
                                                            reason: "duplicate id: \(first) has the same id and is kept")))
                        continue
                    }
                    firstListed[item.id] = location
                    listed += 1
                    // Images given by URL (the primary one: 0, additional ones: 1, 2, …) are downloaded first,
                    // one after the other, in one download slot.
                    let remote = ([item.image] + item.additionalImages).enumerated().compactMap { position, reference -> (Int, URL)? in
                        if case .remote(let url) = reference { return (position, url) }
                        return nil
                    }
                    if !remote.isEmpty, let fetcher {
                        downloads.wait()
                        started += 1
                        Task {
                            var fetched: [Int: Result<RemoteImage, RemoteFetchError>] = [:]
                            for (position, url) in remote { fetched[position] = await fetcher.fetchResult(url) }
                            fetchedItems.append(item, fetched)
                            downloads.signal()
                            arrived.signal()
                        }
                        continue
                    }
                    decode(item, fetched: nil)
                }
            }
            while handedOver < started {
                arrived.wait()
                handOverFetched()
            }
            group.wait()
            channel.finish()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Counts the items a source lists (cheap next to embedding them); nil if listing fails.
    static func count(_ source: any CatalogSource) -> Int? {
        guard let entries = try? source.items() else { return nil }
        var n = 0
        for case .item in entries { n += 1 }
        return n
    }

    /// Runs left "running" by a process that was killed are marked interrupted.
    private func markAbandonedRuns() async throws {
        for run in try await store.lastImportRuns(limit: 20) where run.status == .running {
            try await store.finishImportRun(id: run.id, status: .interrupted, counts: run.counts)
        }
    }
}

/// Downloaded items waiting for the producer to hand them to the decoders.
private final class FetchedItems: Sendable {
    private let items = Mutex<[(SourceItem, [Int: Result<RemoteImage, RemoteFetchError>])]>([])

    func append(_ item: SourceItem, _ fetched: [Int: Result<RemoteImage, RemoteFetchError>]) {
        items.withLock { $0.append((item, fetched)) }
    }

    func takeAll() -> [(SourceItem, [Int: Result<RemoteImage, RemoteFetchError>])] {
        items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}

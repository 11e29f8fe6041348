import Catalog
import Foundation
import Imaging
import Synchronization

/// Product thumbnails made with libvips (`ImageDecoder.thumbnailJPEG`), kept in memory up to a byte
/// budget (least recently used dropped first). Each is identified by an ETag derived from the
/// product's content hash, so a changed image gets a new tag and clients revalidate cheaply.
final class ThumbnailCache: Sendable {
    /// A JPEG thumbnail and its entity tag.
    struct Thumbnail: Sendable {
        /// JPEG bytes.
        let data: Data
        /// Quoted entity tag, e.g. `"t320-3fa2c1d0e4b5a697"`.
        let etag: String
    }

    /// Counters for metrics.
    struct Statistics: Sendable {
        var bytes = 0
        var hits: UInt64 = 0
        var misses: UInt64 = 0
    }

    private struct Entry {
        let thumbnail: Thumbnail
        var lastUse: UInt64
    }

    /// The thumbnails, the use counter and the totals, behind one lock.
    private struct State {
        var entries: [String: Entry] = [:]
        var tick: UInt64 = 0
        var totals = Statistics()
    }

    private let decoder: ImageDecoder
    private let maxBytes: Int
    private let state = Mutex(State())

    /// Creates an empty cache holding at most `maxBytes` of JPEG data.
    init(decoder: ImageDecoder, maxBytes: Int) {
        self.decoder = decoder
        self.maxBytes = maxBytes
    }

    /// A short tag that changes whenever the product's image does (its content hash when known).
    static func version(of product: Product) -> String {
        product.contentHash.map { String($0.prefix(16)) }
            ?? String(ContentHash.hex(of: Array("\(product.imagePath ?? "")|\(product.updatedAt.timeIntervalSince1970)".utf8)).prefix(16))
    }

    /// The entity tag the thumbnail of `product` at `size` has (without making it).
    static func etag(for product: Product, size: Int) -> String {
        "\"t\(size)-\(version(of: product))\""
    }

    /// The thumbnail of `product` with its longest side at most `size`, from the cache or made now
    /// (synchronous and CPU-heavy on a miss: call it from a worker thread).
    func thumbnail(for product: Product, size: Int) throws -> Thumbnail {
        let etag = Self.etag(for: product, size: size)
        let key = product.id + "\u{0}" + etag
        let cached: Thumbnail? = state.withLock { state in
            state.tick += 1
            if var entry = state.entries[key] {
                entry.lastUse = state.tick
                state.entries[key] = entry
                state.totals.hits += 1
                return entry.thumbnail
            }
            state.totals.misses += 1
            return nil
        }
        if let cached { return cached }

        let source = try ProductImage.load(product, limits: decoder.limits)
        let data = try decoder.thumbnailJPEG(source, maxSide: size)
        let thumbnail = Thumbnail(data: data, etag: etag)
        insert(thumbnail, key: key)
        return thumbnail
    }

    /// Forgets every thumbnail of a product (after it is replaced or removed).
    func forget(id: String) {
        state.withLock { state in
            for key in state.entries.keys where key.hasPrefix(id + "\u{0}") {
                state.totals.bytes -= state.entries[key]?.thumbnail.data.count ?? 0
                state.entries[key] = nil
            }
        }
    }

    /// Counters and the bytes held now.
    var statistics: Statistics {
        state.withLock { $0.totals }
    }

    private func insert(_ thumbnail: Thumbnail, key: String) {
        guard thumbnail.data.count <= maxBytes / 4 else { return }
        let maxBytes = maxBytes
        state.withLock { state in
            state.tick += 1
            if let old = state.entries[key] { state.totals.bytes -= old.thumbnail.data.count }
            state.entries[key] = Entry(thumbnail: thumbnail, lastUse: state.tick)
            state.totals.bytes += thumbnail.data.count
            if state.totals.bytes > maxBytes { Self.evict(&state, maxBytes: maxBytes) }
        }
    }

    /// Drops the least recently used quarter of the budget (amortised: one sort per many inserts).
    private static func evict(_ state: inout State, maxBytes: Int) {
        let target = maxBytes * 3 / 4
        for (key, entry) in state.entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            guard state.totals.bytes > target else { break }
            state.entries[key] = nil
            state.totals.bytes -= entry.thumbnail.data.count
        }
    }
}

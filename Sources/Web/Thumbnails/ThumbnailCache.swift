import Catalog
import Foundation
import Imaging

/// Product thumbnails made with libvips (`ImageDecoder.thumbnailJPEG`), kept in memory up to a byte
/// budget (least recently used dropped first). Each is identified by an ETag derived from the
/// product's content hash, so a changed image gets a new tag and clients revalidate cheaply.
final class ThumbnailCache: @unchecked Sendable {
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

    private let decoder: ImageDecoder
    private let maxBytes: Int
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var tick: UInt64 = 0
    private var totals = Statistics()

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
        lock.lock()
        tick += 1
        if var entry = entries[key] {
            entry.lastUse = tick
            entries[key] = entry
            totals.hits += 1
            lock.unlock()
            return entry.thumbnail
        }
        totals.misses += 1
        lock.unlock()

        let source = try ProductImage.load(product, limits: decoder.limits)
        let data = try decoder.thumbnailJPEG(source, maxSide: size)
        let thumbnail = Thumbnail(data: data, etag: etag)
        insert(thumbnail, key: key)
        return thumbnail
    }

    /// Forgets every thumbnail of a product (after it is replaced or removed).
    func forget(id: String) {
        lock.lock()
        defer { lock.unlock() }
        for key in entries.keys where key.hasPrefix(id + "\u{0}") {
            totals.bytes -= entries[key]?.thumbnail.data.count ?? 0
            entries[key] = nil
        }
    }

    /// Counters and the bytes held now.
    var statistics: Statistics {
        lock.lock()
        defer { lock.unlock() }
        return totals
    }

    private func insert(_ thumbnail: Thumbnail, key: String) {
        guard thumbnail.data.count <= maxBytes / 4 else { return }
        lock.lock()
        defer { lock.unlock() }
        tick += 1
        if let old = entries[key] { totals.bytes -= old.thumbnail.data.count }
        entries[key] = Entry(thumbnail: thumbnail, lastUse: tick)
        totals.bytes += thumbnail.data.count
        if totals.bytes > maxBytes { evict() }
    }

    /// Drops the least recently used quarter of the budget (amortised: one sort per many inserts).
    private func evict() {
        let target = maxBytes * 3 / 4
        for (key, entry) in entries.sorted(by: { $0.value.lastUse < $1.value.lastUse }) {
            guard totals.bytes > target else { break }
            entries[key] = nil
            totals.bytes -= entry.thumbnail.data.count
        }
    }
}

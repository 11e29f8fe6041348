import Foundation
import Service

/// The neighbours of catalog products ("more like this", product pages), remembered until the
/// catalog changes: a popular product's page costs one vector scan, not one per view.
final class NeighbourCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (results: [SearchResult], lastUse: UInt64)] = [:]
    private var tick: UInt64 = 0
    private let capacity: Int

    /// Creates an empty cache holding at most `capacity` answers.
    init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The neighbours of `id` for `request`, from the cache or from `search`.
    func neighbours(of id: String, request: SearchRequest, search: () async throws -> [SearchResult]) async throws -> [SearchResult] {
        let key = Self.key(id, request)
        if let hit = lookup(key) { return hit }
        let results = try await search()
        store(results, key: key)
        return results
    }

    /// Forgets every answer (a product was added, replaced or removed).
    func removeAll() {
        lock.lock()
        entries.removeAll()
        lock.unlock()
    }

    private func lookup(_ key: String) -> [SearchResult]? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[key] else { return nil }
        tick += 1
        entries[key] = (entry.results, tick)
        return entry.results
    }

    private func store(_ results: [SearchResult], key: String) {
        lock.lock()
        defer { lock.unlock() }
        tick += 1
        entries[key] = (results, tick)
        if entries.count > capacity {
            // Drop the least recently used quarter (one sort per many inserts).
            let oldest = entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(capacity / 4)
            for (key, _) in oldest { entries[key] = nil }
        }
    }

    private static func key(_ id: String, _ request: SearchRequest) -> String {
        let filters = request.filters.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.sorted().joined(separator: "\u{1}"))" }.joined(separator: "\u{2}")
        // Everything that changes the ranking of "more like this" (a photo's cleanup does not apply).
        let expansion = request.expansion.map { "\($0.depth),\($0.alpha)" } ?? "-"
        let ranking = "\(request.space?.rawValue ?? "-")\u{0}\(expansion)\u{0}\(request.consensus.map(String.init) ?? "-")"
        return "\(id)\u{0}\(request.k)\u{0}\(filters)\u{0}\(ranking)"
    }
}

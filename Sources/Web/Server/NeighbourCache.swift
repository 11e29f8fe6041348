import Foundation
import Service
import Synchronization

/// The neighbours of catalog products ("more like this", product pages), remembered until the
/// catalog changes: a popular product's page costs one vector scan, not one per view.
final class NeighbourCache: Sendable {
    /// The answers and the use counter, behind one lock.
    private struct State {
        var entries: [Key: (results: [SearchResult], lastUse: UInt64)] = [:]
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
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
        state.withLock { $0.entries.removeAll() }
    }

    private func lookup(_ key: Key) -> [SearchResult]? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            state.tick += 1
            state.entries[key] = (entry.results, state.tick)
            return entry.results
        }
    }

    private func store(_ results: [SearchResult], key: Key) {
        let capacity = capacity
        state.withLock { state in
            state.tick += 1
            state.entries[key] = (results, state.tick)
            if state.entries.count > capacity {
                // Drop the least recently used quarter (one sort per many inserts).
                let oldest = state.entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(capacity / 4)
                for (key, _) in oldest { state.entries[key] = nil }
            }
        }
    }

    /// A product and the whole request: every field that can change an answer is part of the key.
    private struct Key: Hashable {
        let id: String
        let request: SearchRequest
    }

    /// The key of an answer; the values of a filter count in any order.
    private static func key(_ id: String, _ request: SearchRequest) -> Key {
        var request = request
        request.filters = request.filters.mapValues { $0.sorted() }
        return Key(id: id, request: request)
    }
}

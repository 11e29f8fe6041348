import Foundation
import Synchronization

/// Bounds downloads in flight: at most `total` at once, and at most `perHost` to any one host. A caller
/// waits (suspended, not blocking a thread) until it gets a slot, and gives it back when done.
final class HostSlots: Sendable {
    private struct State {
        var inFlight = 0
        var perHost: [String: Int] = [:]
        var waiting: [(host: String, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let total: Int
    private let perHost: Int
    private let state = Mutex(State())

    init(total: Int, perHost: Int) {
        self.total = max(1, total)
        self.perHost = max(1, perHost)
    }

    /// Runs `body` holding a slot for `host`.
    func withSlot<T: Sendable>(host: String, _ body: () async throws -> T) async rethrows -> T {
        await acquire(host)
        defer { release(host) }
        return try await body()
    }

    private func acquire(_ host: String) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { state -> Bool in
                if state.inFlight < total, state.perHost[host, default: 0] < perHost {
                    state.inFlight += 1
                    state.perHost[host, default: 0] += 1
                    return true
                }
                state.waiting.append((host, continuation))
                return false
            }
            if granted { continuation.resume() }
        }
    }

    private func release(_ host: String) {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.inFlight -= 1
            state.perHost[host, default: 1] -= 1
            if state.perHost[host] == 0 { state.perHost[host] = nil }
            // The first waiter whose host has room takes the slot.
            guard state.inFlight < total,
                  let index = state.waiting.firstIndex(where: { state.perHost[$0.host, default: 0] < perHost }) else { return nil }
            let waiter = state.waiting.remove(at: index)
            state.inFlight += 1
            state.perHost[waiter.host, default: 0] += 1
            return waiter.continuation
        }
        next?.resume()
    }
}

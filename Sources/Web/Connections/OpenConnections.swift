import NIOCore
import Synchronization

/// The connections the server has open, against its cap; shared by every event loop.
///
/// At the cap, a new connection takes the place of the one idle longest (open, but with no request
/// being answered: new, between keep-alive requests, or still sending its head), which is closed; only
/// when every open connection has a request in progress is the new one refused. Idle sockets, however
/// many a client opens, so never keep the server from new clients.
final class OpenConnections: Sendable {
    /// One open connection.
    private struct Entry {
        let channel: any Channel
        /// Since when it has had no request in progress; nil while a request is being answered.
        var idleSince: NIODeadline?
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        /// Connections closed to make room, until they are gone.
        var evicted: Set<ObjectIdentifier> = []
    }

    /// The most connections open at once (besides those being closed to make room).
    let cap: Int
    private let state = Mutex(State())

    init(cap: Int) {
        self.cap = cap
    }

    /// Counts a new connection, closing the connection idle longest when the cap is reached; false (and
    /// not counted) when the cap is reached and no connection is idle.
    func open(_ channel: any Channel) -> Bool {
        let (admitted, victim): (Bool, (any Channel)?) = state.withLock { state in
            var victim: (key: ObjectIdentifier, entry: Entry)?
            if state.entries.count - state.evicted.count >= cap {
                for (key, entry) in state.entries where !state.evicted.contains(key) {
                    guard let since = entry.idleSince else { continue }
                    if let oldest = victim?.entry.idleSince, oldest <= since { continue }
                    victim = (key, entry)
                }
                guard let victim else { return (false, nil) }
                state.evicted.insert(victim.key)
            }
            state.entries[ObjectIdentifier(channel)] = Entry(channel: channel, idleSince: .now())
            return (true, victim?.entry.channel)
        }
        victim?.close(promise: nil)
        return admitted
    }

    /// Records whether `channel` has a request in progress (and so may not be closed to make room).
    func setBusy(_ channel: any Channel, _ busy: Bool) {
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            guard state.entries[key] != nil else { return }
            state.entries[key]?.idleSince = busy ? nil : .now()
        }
    }

    /// Uncounts a connection `open` admitted, once it has closed.
    func close(_ channel: any Channel) {
        state.withLock { state in
            let key = ObjectIdentifier(channel)
            state.entries[key] = nil
            state.evicted.remove(key)
        }
    }
}

import Dispatch
import Foundation
import Synchronization

/// What Ctrl-C (SIGINT) and SIGTERM do to a long-running command: the first one runs `onFirst` (a polite
/// stop: finish the batch in flight, drain the requests), a second one exits at once, and a command still
/// running `grace` after the first exits anyway. So no command outlives a stop request by more than
/// `grace`, whatever a database or a client on the other end does.
final class SignalWatcher: Sendable {
    private let sources = Mutex<[any DispatchSourceSignal]>([])
    private let signalled = Atomic(false)

    init(grace: Duration = .seconds(8), onFirst: @escaping @Sendable () -> Void = {}) {
        var made: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { self.received(grace: grace, onFirst: onFirst) }
            source.resume()
            made.append(source)
        }
        sources.withLock { $0 = made }
    }

    private func received(grace: Duration, onFirst: @Sendable () -> Void) {
        guard signalled.exchange(true, ordering: .acquiringAndReleasing) == false else {
            printError("lookalike: stopped")
            exit(130)
        }
        onFirst()
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(grace.components.seconds))) {
            printError("lookalike: still busy \(grace.components.seconds) s after the stop request; exiting")
            exit(130)
        }
    }

    /// Stops watching (and lets go of the handlers); the signals' default actions do not come back (the command is ending).
    func cancel() { sources.withLock { $0.forEach { $0.cancel() } } }
}

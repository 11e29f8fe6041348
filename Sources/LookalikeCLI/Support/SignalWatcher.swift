import Dispatch
import Foundation
import Service
import Synchronization

/// What Ctrl-C (SIGINT) and SIGTERM do to a long-running command: the first one runs `onFirst` (a polite
/// stop: finish the batch in flight, drain the requests), a second one exits at once, and a command still
/// running `grace` after the first exits anyway. So no command outlives a stop request by more than
/// `grace`, whatever a database or a client on the other end does.
final class SignalWatcher: Sendable {
    private let sources: Mutex<[any DispatchSourceSignal]>

    init(grace: Duration = .seconds(8), onFirst: @escaping @Sendable () -> Void = {}) {
        let requests = StopRequests()
        var made: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { requests.received(grace: grace, onFirst: onFirst) }
            source.resume()
            made.append(source)
        }
        sources = Mutex(made)
    }

    /// The watcher of a command that works in batches: the first request sets `stop`, so it ends after the
    /// batch in flight (and a rerun finishes the work).
    static func stoppingAfterBatch(_ stop: StopFlag) -> SignalWatcher {
        SignalWatcher(onFirst: {
            printError("\nstopping after the batch in flight (press Ctrl-C again to quit now)…")
            stop.stop()
        })
    }

    /// Stops watching (and lets go of the handlers); the signals' default actions do not come back.
    func cancel() { sources.withLock { $0.forEach { $0.cancel() } } }
}

/// Counts stop requests: the first starts the polite stop and the grace period, the second ends the process.
private final class StopRequests: Sendable {
    private let seen = Atomic(false)

    /// Ends the process at once with status 130, whatever other threads are doing: the message goes
    /// straight to file descriptor 2, and `_exit` runs no exit handlers or static destructors (the model
    /// runtime's could wait on threads that are busy).
    static func end(_ message: String) -> Never {
        let line = Array((message + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        _exit(130)
    }

    func received(grace: Duration, onFirst: @Sendable () -> Void) {
        guard seen.exchange(true, ordering: .acquiringAndReleasing) == false else { Self.end("lookalike: stopped") }
        onFirst()
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(Int(grace.components.seconds))) {
            Self.end("lookalike: still busy \(grace.components.seconds) s after the stop request; exiting")
        }
    }
}

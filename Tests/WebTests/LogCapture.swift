import Foundation
import Logging
import Synchronization

/// Keeps what a server logs in memory, for tests of what is logged and at which level.
final class LogCapture: Sendable {
    /// One logged line.
    struct Record: Sendable, CustomStringConvertible {
        let level: Logger.Level
        let message: String
        var description: String { "[\(level)] \(message)" }
    }

    private let records = Mutex<[Record]>([])

    /// Everything logged so far.
    var all: [Record] { records.withLock { $0 } }

    /// A logger that writes here, at every level.
    var logger: Logger {
        var logger = Logger(label: "lookalike.test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ record: Record) {
        records.withLock { $0.append(record) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(Record(level: event.level, message: event.message.description))
        }
    }
}

import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line to standard error, for log collectors
/// (journald, Loki, CloudWatch…): `{"time", "level", "label", "message", …metadata}`, metadata values
/// as strings, keys sorted. Each line is written by one `write` call, so lines from threads never mix.
public struct JSONLogHandler: LogHandler {
    /// The logger's label, written as `label`.
    public let label: String
    /// Lines below this level are dropped.
    public var logLevel: Logger.Level = .info
    /// Metadata carried by every line of this logger.
    public var metadata: Logger.Metadata = [:]
    private let output: @Sendable (String) -> Void

    /// A handler for `label` writing to standard error (or to `output`, for tests).
    public init(label: String, output: (@Sendable (String) -> Void)? = nil) {
        self.label = label
        self.output = output ?? { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let extra = event.metadata, level = event.level, message = event.message
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(extra ?? [:], uniquingKeysWith: { _, new in new }) { fields[key] = "\(value)" }
        fields["time"] = Date().ISO8601Format(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        fields["level"] = level.rawValue
        fields["label"] = label
        fields["message"] = message.description
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(fields) else { return }
        output(String(decoding: data, as: UTF8.self) + "\n")
    }
}

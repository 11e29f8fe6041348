import Foundation

/// Prints one JSON object per line (JSON Lines) on standard output.
enum JSONOutput {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Prints `value` as one compact JSON line.
    static func line<T: Encodable>(_ value: T) throws {
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Writes out whatever `print` has buffered (every C stream: naming `stdout` is not concurrency-safe).
func flushOutput() {
    fflush(nil)
}

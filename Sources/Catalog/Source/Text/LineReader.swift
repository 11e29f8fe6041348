import Foundation

/// Reads a text file line by line without loading it whole: strips a UTF-8 BOM and CR before LF.
///
/// A read error ends the sequence; it is then available in `error` (sources report it as a problem).
final class LineReader: Sequence, IteratorProtocol {
    /// One line and its 1-based number.
    struct Line {
        var number: Int
        var text: String
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var atEnd = false
    private var lineNumber = 0
    /// The error that stopped reading early, if any.
    private(set) var error: Error?

    /// Opens `url` for reading.
    init(url: URL) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CatalogSourceError.unreadable(path: url.path, reason: "the file is missing or not readable")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Returns the read error once (so a source reports it a single time), then nil.
    func takeError() -> Error? {
        defer { error = nil }
        return error
    }

    func next() -> Line? {
        while true {
            if let newline = buffer[Swift.max(start, scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                return emit(upTo: newline, consuming: newline + 1)
            }
            scanned = buffer.count
            if atEnd {
                guard start < buffer.count else { return nil }
                return emit(upTo: buffer.count, consuming: buffer.count)
            }
            refill()
        }
    }

    private func refill() {
        if start > 0 {
            buffer.removeSubrange(0 ..< start)
            scanned -= start
            start = 0
        }
        do {
            if let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        } catch {
            self.error = error
            atEnd = true
        }
    }

    private func emit(upTo end: Int, consuming next: Int) -> Line {
        var from = start
        var to = end
        if lineNumber == 0, to - from >= 3, buffer[from] == 0xEF, buffer[from + 1] == 0xBB, buffer[from + 2] == 0xBF {
            from += 3
        }
        if to > from, buffer[to - 1] == UInt8(ascii: "\r") { to -= 1 }
        let text = String(decoding: buffer[from ..< to], as: UTF8.self)
        start = next
        lineNumber += 1
        return Line(number: lineNumber, text: text)
    }
}

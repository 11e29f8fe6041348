import Foundation

/// Reads CSV records lazily from a file: comma-separated (or another delimiter, such as a tab), `"quoted, fields"`
/// with `""` escapes, quoted fields spanning lines, a UTF-8 BOM and CRLF line ends. Fields are returned untrimmed.
public final class CSVReader: Sequence, IteratorProtocol {
    /// One record: its fields and the line it starts on.
    public struct Record {
        /// The line the record starts on (1-based).
        public var line: Int
        /// Its fields, untrimmed.
        public var fields: [String]
        /// True when the file ended inside a quoted field.
        public var unterminatedQuote = false
    }

    private let lines: LineReader
    private let delimiter: Unicode.Scalar

    /// Opens a CSV file whose fields are separated by `delimiter`.
    public init(url: URL, delimiter: Unicode.Scalar = ",") throws {
        lines = try LineReader(url: url)
        self.delimiter = delimiter
    }

    /// The error that stopped reading early, returned once.
    public func takeError() -> Error? { lines.takeError() }

    /// The next record, nil at the end (or on a read error: see `takeError`).
    public func next() -> Record? {
        guard let first = lines.next() else { return nil }
        var parser = FieldParser(delimiter: delimiter)
        parser.feed(first.text)
        while parser.inQuotes {
            guard let more = lines.next() else {
                return Record(line: first.number, fields: parser.finish(), unterminatedQuote: true)
            }
            parser.feed("\n")
            parser.feed(more.text)
        }
        return Record(line: first.number, fields: parser.finish())
    }

    /// Splits one record's text into fields; fed line by line while a quoted field is open.
    struct FieldParser {
        let delimiter: Unicode.Scalar
        private(set) var inQuotes = false
        private var fields: [String] = []
        private var current: [Unicode.Scalar] = []
        private var fieldWasQuoted = false
        private var afterClosingQuote = false
        private var pendingQuote = false

        init(delimiter: Unicode.Scalar) {
            self.delimiter = delimiter
        }

        mutating func feed(_ text: String) {
            for scalar in text.unicodeScalars {
                if inQuotes {
                    if pendingQuote {
                        pendingQuote = false
                        if scalar == "\"" { current.append("\""); continue }
                        inQuotes = false
                        afterClosingQuote = true
                    } else if scalar == "\"" {
                        pendingQuote = true
                        continue
                    } else {
                        current.append(scalar)
                        continue
                    }
                }
                if scalar == delimiter {
                    endField()
                } else if scalar == "\"" && current.allSatisfy({ $0 == " " || $0 == "\t" }) && !fieldWasQuoted {
                    current.removeAll()
                    inQuotes = true
                    fieldWasQuoted = true
                } else if afterClosingQuote && (scalar == " " || scalar == "\t") {
                    continue
                } else {
                    current.append(scalar)  // lenient: text after a closing quote, or a quote inside an unquoted field
                }
            }
            if pendingQuote {
                // A quote at the very end of a line closes the field (a doubled quote cannot span lines).
                pendingQuote = false
                inQuotes = false
                afterClosingQuote = true
            }
        }

        mutating func finish() -> [String] {
            endField()
            return fields
        }

        private mutating func endField() {
            fields.append(String(String.UnicodeScalarView(current)))
            current.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
            afterClosingQuote = false
        }
    }
}

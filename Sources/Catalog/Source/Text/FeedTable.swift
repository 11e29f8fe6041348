import Foundation

/// A delimited feed file (CSV or TSV) read row by row, its values looked up by column name.
///
/// Blank lines are skipped; a row with an unclosed quote or another number of fields than the header comes out
/// as a problem. A column name may occur more than once (Merchant Center's repeated `additional_image_link`).
final class FeedTable {
    /// One row: its line, its trimmed fields, and the header's columns.
    struct Row {
        /// The line the row starts on (1-based).
        let line: Int
        /// The fields, trimmed.
        let fields: [String]
        /// Column name → the indexes of the columns with that name.
        let columns: [String: [Int]]

        /// The first non-empty value of the columns named `name`, or "".
        subscript(_ name: String) -> String {
            columns[name]?.lazy.map { self.fields[$0] }.first { !$0.isEmpty } ?? ""
        }

        /// The non-empty values of every column named `name`, in column order.
        func all(_ name: String) -> [String] {
            (columns[name] ?? []).map { fields[$0] }.filter { !$0.isEmpty }
        }
    }

    /// A row, or a problem with one.
    enum Record {
        case row(Row)
        case problem(SourceProblem)
    }

    /// The file's name, for locations ("products.csv line 7").
    let fileName: String
    /// The header's column names, after `normalize`.
    let columns: [String]
    private let index: [String: [Int]]
    private let reader: CSVReader

    /// Opens `url` and reads its header; `normalize` maps each header name to the name rows are looked up by.
    init(url: URL, delimiter: Unicode.Scalar, normalize: (String) -> String = { $0 }) throws {
        reader = try CSVReader(url: url, delimiter: delimiter)
        fileName = url.lastPathComponent
        guard let header = reader.next() else {
            throw CatalogSourceError.malformed(file: url.path, reason: "the file is empty (expected a header row)")
        }
        columns = header.fields.map { normalize($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        var index: [String: [Int]] = [:]
        for (position, name) in columns.enumerated() { index[name, default: []].append(position) }
        self.index = index
    }

    /// Whether the header has a column named `name`.
    func has(_ name: String) -> Bool { index[name] != nil }

    /// The next row or problem; nil at the end (a read error comes out once as a problem first).
    func next() -> Record? {
        while let record = reader.next() {
            if record.fields.count == 1 && record.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let location = "\(fileName) line \(record.line)"
            if record.unterminatedQuote {
                return .problem(SourceProblem(item: location, reason: "a quoted field is never closed"))
            }
            guard record.fields.count == columns.count else {
                return .problem(SourceProblem(item: location,
                                              reason: "expected \(columns.count) fields, found \(record.fields.count)"))
            }
            return .row(Row(line: record.line, fields: record.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) },
                            columns: index))
        }
        if let error = reader.takeError() {
            return .problem(SourceProblem(item: fileName, reason: "reading stopped early: \(error.localizedDescription)"))
        }
        return nil
    }
}

import Foundation

/// A manifest listing items: CSV (header with `id` and `image`) or JSONL (one object per line).
///
/// CSV: `title` or `name` becomes the title, every other column an attribute. JSONL: `"id"`, `"image"`,
/// optional `"title"`/`"name"`, other string, number and boolean fields become attributes. Image paths
/// are relative to the manifest's folder (absolute paths are kept). Column names are matched case-insensitively.
public struct ManifestSource: CatalogSource {
    /// The manifest's format.
    public enum Format: String, Sendable {
        /// Comma-separated values with a header row.
        case csv
        /// JSON Lines: one JSON object per line.
        case jsonl
    }

    /// The manifest file.
    public let file: URL
    /// Its format, from the file extension.
    public let format: Format

    /// Creates a source for a `.csv` or `.jsonl`/`.ndjson` manifest.
    public init(file: URL) throws {
        self.file = file.standardizedFileURL
        switch file.pathExtension.lowercased() {
        case "csv": format = .csv
        case "jsonl", "ndjson": format = .jsonl
        default:
            throw CatalogSourceError.unsupported(spec: file.path, reason: "a manifest must end in .csv or .jsonl")
        }
    }

    /// A message written for the person who hit the error.
    public var description: String { "\(format.rawValue.uppercased()) manifest \(file.path)" }

    /// The items, lazily, in a deterministic order; unreadable ones come out as problems.
    public func items() throws -> AnySequence<SourceEntry> {
        switch format {
        case .csv: return try csvItems()
        case .jsonl: return try jsonlItems()
        }
    }

    private func csvItems() throws -> AnySequence<SourceEntry> {
        let reader = try CSVReader(url: file)
        let fileName = file.lastPathComponent
        guard let header = reader.next() else {
            throw CatalogSourceError.malformed(file: file.path, reason: "the file is empty (expected a header row with id and image)")
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let lowered = columns.map { $0.lowercased() }
        guard let idColumn = lowered.firstIndex(of: "id"), let imageColumn = lowered.firstIndex(of: "image") else {
            throw CatalogSourceError.missingColumns(file: file.path, missing: ["id", "image"].filter { !lowered.contains($0) },
                                                    found: columns)
        }
        let titleColumn = lowered.firstIndex(of: "title") ?? lowered.firstIndex(of: "name")
        let folder = file.deletingLastPathComponent()
        return AnySequence(AnyIterator<SourceEntry> {
            while let record = reader.next() {
                if record.fields.count == 1 && record.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
                let location = "\(fileName) line \(record.line)"
                if record.unterminatedQuote {
                    return .problem(SourceProblem(item: location, reason: "a quoted field is never closed"))
                }
                let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count == columns.count else {
                    return .problem(SourceProblem(item: location,
                                                  reason: "expected \(columns.count) fields, found \(fields.count)"))
                }
                var attributes: [String: String] = [:]
                for (index, column) in columns.enumerated()
                where index != idColumn && index != imageColumn && index != titleColumn && !fields[index].isEmpty {
                    attributes[column] = fields[index]
                }
                return Self.entry(id: fields[idColumn], image: fields[imageColumn],
                                  title: titleColumn.map { fields[$0] }, attributes: attributes,
                                  location: location, folder: folder)
            }
            if let error = reader.takeError() {
                return .problem(SourceProblem(item: fileName, reason: "reading stopped early: \(error.localizedDescription)"))
            }
            return nil
        })
    }

    /// Builds an item after checking the id and the image path; shared by both formats.
    static func entry(id: String, image: String, title: String?, attributes: [String: String],
                      location: String, folder: URL) -> SourceEntry {
        if id.isEmpty {
            return .problem(SourceProblem(item: location, reason: "the id is empty"))
        }
        let item = "\(location) (id \(id))"
        if image.isEmpty {
            return .problem(SourceProblem(item: item, reason: "the image path is empty"))
        }
        let title = (title?.isEmpty == false ? title : nil) ?? id
        if image.hasPrefix("http://") || image.hasPrefix("https://") {
            guard let remote = URL(string: image), remote.host != nil else {
                return .problem(SourceProblem(item: item, reason: "the image URL \(image) is not a valid URL"))
            }
            return .item(SourceItem(id: id, title: title, attributes: attributes, image: .remote(remote), location: location))
        }
        let url = image.hasPrefix("/") ? URL(fileURLWithPath: image) : folder.appendingPathComponent(image)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
            return .problem(SourceProblem(item: item, reason: "image \(image) not found"))
        }
        return .item(SourceItem(id: id, title: title, attributes: attributes, image: .file(url.standardizedFileURL),
                                location: location))
    }
}

import Foundation

/// The Kaggle "Fashion Product Images" layout: `styles.csv` plus `images/<id>.jpg`.
///
/// `styles.csv` has the header `id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,
/// productDisplayName`. Some rows carry unquoted commas inside `productDisplayName`; the extra fields are
/// joined back into the name. Short rows, empty ids and missing images become problems, not aborts.
public struct KaggleFashionSource: CatalogSource {
    /// The folder holding `styles.csv` and `images/`.
    public let root: URL

    /// Creates a source for a Kaggle export folder.
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// True when `folder` holds a `styles.csv` file and an `images` folder.
    public static func looksLikeKaggle(_ folder: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("styles.csv").path)
            && FileManager.default.fileExists(atPath: folder.appendingPathComponent("images").path, isDirectory: &isFolder)
            && isFolder.boolValue
    }

    /// A message written for the person who hit the error.
    public var description: String { "Kaggle styles.csv in \(root.path)" }

    /// The items, lazily, in a deterministic order; unreadable ones come out as problems.
    public func items() throws -> AnySequence<SourceEntry> {
        let csvURL = root.appendingPathComponent("styles.csv")
        let reader = try CSVReader(url: csvURL)
        guard let header = reader.next() else {
            throw CatalogSourceError.malformed(file: csvURL.path, reason: "the file is empty (expected a header row)")
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let idColumn = columns.firstIndex(of: "id"), let nameColumn = columns.firstIndex(of: "productDisplayName") else {
            throw CatalogSourceError.missingColumns(
                file: csvURL.path, missing: ["id", "productDisplayName"].filter { !columns.contains($0) }, found: columns)
        }
        let images = root.appendingPathComponent("images")
        return AnySequence(AnyIterator<SourceEntry> {
            while let record = reader.next() {
                if record.fields.count == 1 && record.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }  // blank line
                return Self.entry(for: record, columns: columns, idColumn: idColumn, nameColumn: nameColumn, images: images)
            }
            if let error = reader.takeError() {
                return .problem(SourceProblem(item: "styles.csv", reason: "reading stopped early: \(error.localizedDescription)"))
            }
            return nil
        })
    }

    static func entry(for record: CSVReader.Record, columns: [String], idColumn: Int, nameColumn: Int,
                      images: URL) -> SourceEntry {
        let location = "styles.csv line \(record.line)"
        if record.unterminatedQuote {
            return .problem(SourceProblem(item: location, reason: "a quoted field is never closed"))
        }
        var fields = record.fields
        if fields.count < columns.count {
            return .problem(SourceProblem(item: location, reason: "expected \(columns.count) fields, found \(fields.count)"))
        }
        if fields.count > columns.count {
            // Unquoted commas in the display name: the extra fields belong to it.
            let extra = fields.count - columns.count
            let name = fields[nameColumn ... nameColumn + extra].joined(separator: ",")
            fields.replaceSubrange(nameColumn ... nameColumn + extra, with: [name])
        }
        fields = fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let id = fields[idColumn]
        if id.isEmpty {
            return .problem(SourceProblem(item: location, reason: "the id is empty"))
        }
        // The id names a file in images/: one that could reach outside it (a '/', "..") is refused.
        guard !id.contains("/"), !id.contains("\\"), id != ".", id != "..", !id.contains("\0") else {
            return .problem(SourceProblem(item: "\(location) (id \(id))",
                                          reason: "the id names an image outside images/ ('/' or '..' in an id is not allowed)"))
        }
        guard let image = imageFile(for: id, in: images) else {
            return .problem(SourceProblem(item: "\(location) (id \(id))", reason: "image images/\(id).jpg not found"))
        }
        var attributes: [String: String] = [:]
        for (index, column) in columns.enumerated() where index != idColumn && index != nameColumn && !fields[index].isEmpty {
            attributes[column] = fields[index]
        }
        let title = fields[nameColumn].isEmpty ? id : fields[nameColumn]
        return .item(SourceItem(id: id, title: title, attributes: attributes, image: .file(image), location: location))
    }

    /// `images/<id>.jpg`, or another image extension if the export was converted.
    static func imageFile(for id: String, in images: URL) -> URL? {
        for fileExtension in ["jpg", "jpeg", "png", "webp", "JPG"] {
            let url = images.appendingPathComponent("\(id).\(fileExtension)")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }
}

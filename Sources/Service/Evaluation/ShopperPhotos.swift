import Catalog
import Foundation

/// A generated shopper-photo set (`make shopper-photos`): photos of catalog items, each with the id of
/// the item it shows. Read from `manifest.csv` (columns `photo,id,<label>,…`; photo paths relative to it).
public struct ShopperPhotos: Sendable {
    /// One photo and the catalog item it shows.
    public struct Photo: Sendable {
        /// The photo file.
        public var url: URL
        /// The catalog product it shows.
        public var productID: String
        /// The product's label (e.g. articleType), if the manifest has the column.
        public var label: String?
    }

    /// The photos, in manifest order.
    public var photos: [Photo]

    /// Reads `folder/manifest.csv`; `label` names the label column.
    public init(folder: URL, label: String) throws {
        let url = folder.appendingPathComponent("manifest.csv")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CatalogSourceError.notFound(spec: "\(url.path) (make one with `make shopper-photos`)")
        }
        let reader = try CSVReader(url: url)
        let header = reader.next()?.fields.map { $0.trimmingCharacters(in: .whitespaces) } ?? []
        guard let photoColumn = header.firstIndex(of: "photo"), let idColumn = header.firstIndex(of: "id") else {
            throw CatalogSourceError.missingColumns(file: url.path, missing: ["photo", "id"].filter { !header.contains($0) }, found: header)
        }
        let labelColumn = header.firstIndex(of: label)
        var photos: [Photo] = []
        for record in reader where record.fields.count > max(photoColumn, idColumn) {
            let path = record.fields[photoColumn], id = record.fields[idColumn]
            guard !path.isEmpty, !id.isEmpty else { continue }
            photos.append(Photo(url: folder.appendingPathComponent(path), productID: id,
                                label: labelColumn.flatMap { $0 < record.fields.count ? record.fields[$0] : nil }))
        }
        if let error = reader.takeError() { throw error }
        guard !photos.isEmpty else { throw CatalogSourceError.malformed(file: url.path, reason: "it lists no photos") }
        self.photos = photos
    }
}

import Foundation

/// A Google Merchant Center product feed: XML (RSS 2.0 `<item>`s or Atom `<entry>`s, fields in the `g:` namespace
/// `http://base.google.com/ns/1.0` or unprefixed), or a TSV or CSV file whose header names the same attributes.
///
/// Fields read: `id`, `title`, `image_link` (the primary image), `additional_image_link` (repeated, or
/// comma-separated), `link`, `price` and `sale_price` ("29.99 EUR"), `availability`, `brand`, `gender`, `age_group`,
/// `color`, `size`, `material`, `product_type`, `google_product_category`, `item_group_id`; they become attributes
/// under their own names, plus `articleType` and `currency` (see `FeedFields`). Other fields (`description`,
/// `gtin`, `shipping`, …) are not kept. A `g:` field wins over the same unprefixed one (an Atom `<title>`, an RSS
/// `<link>`); an Atom `<link href>` is the link. TSV/CSV header names match case-insensitively, with or without
/// `g:`, with spaces for underscores ("image link"). Images are http(s) URLs or paths relative to the feed file.
/// An item without an id or `image_link`, or whose local image is missing, is a problem; a missing title falls
/// back to the id. Locations: "feed.xml item 12", "feed.tsv line 7".
public struct MerchantFeedSource: CatalogSource {
    /// How a feed is written.
    public enum Syntax: String, Sendable {
        /// RSS 2.0 or Atom XML.
        case xml
        /// Tab-separated values with a header row.
        case tsv
        /// Comma-separated values with a header row.
        case csv
    }

    /// The Google namespace of `g:` fields.
    public static let googleNamespace = "http://base.google.com/ns/1.0"

    /// The feed file.
    public let file: URL
    /// How it is written.
    public let syntax: Syntax

    /// Creates a source for a feed written in `syntax`.
    public init(file: URL, syntax: Syntax) {
        self.file = file.standardizedFileURL
        self.syntax = syntax
    }

    /// Creates a source for a feed, telling the syntax from the content: XML when the file starts with an XML
    /// element, TSV when its first line has a tab, CSV otherwise.
    public init(file: URL) throws {
        if try FeedSniffer.xmlRoot(of: file) != nil {
            self.init(file: file, syntax: .xml)
        } else {
            self.init(file: file, syntax: try FeedSniffer.header(of: file, delimiter: "\t").count > 1 ? .tsv : .csv)
        }
    }

    /// A short description for logs and import runs.
    public var description: String { "Merchant Center \(syntax.rawValue.uppercased()) feed \(file.path)" }

    /// The items, lazily, in feed order; unreadable ones come out as problems.
    public func items() throws -> AnySequence<SourceEntry> {
        switch syntax {
        case .xml: return try xmlItems()
        case .tsv: return try delimitedItems(delimiter: "\t")
        case .csv: return try delimitedItems(delimiter: ",")
        }
    }

    /// The fields that become attributes under their own names.
    static let attributeFields = ["brand", "gender", "age_group", "color", "size", "material", "product_type",
                                  "google_product_category", "item_group_id", "link"]

    /// A TSV/CSV header name as a field name: "g:Image Link" → "image_link".
    static func fieldName(_ column: String) -> String {
        var name = column.lowercased()
        if name.hasPrefix("g:") { name.removeFirst(2) }
        return name.split(separator: " ").joined(separator: "_")
    }

    /// True when a TSV/CSV header (split by its delimiter) names Merchant Center's `id` and `image_link`.
    static func isHeader(_ columns: [String]) -> Bool {
        let names = Set(columns.map(fieldName))
        return names.contains("id") && names.contains("image_link")
    }

    private func delimitedItems(delimiter: Unicode.Scalar) throws -> AnySequence<SourceEntry> {
        let table = try FeedTable(url: file, delimiter: delimiter, normalize: Self.fieldName)
        let missing = ["id", "image_link"].filter { !table.has($0) }
        guard missing.isEmpty else {
            throw CatalogSourceError.missingColumns(file: file.path, missing: missing, found: table.columns)
        }
        let folder = file.deletingLastPathComponent()
        return AnySequence(AnyIterator<SourceEntry> {
            switch table.next() {
            case nil: return nil
            case let .problem(problem): return .problem(problem)
            case let .row(row):
                return Self.entry({ row.all($0) }, location: "\(table.fileName) line \(row.line)", folder: folder)
            }
        })
    }

    /// Builds an item from a feed item's fields (`values` gives a field's non-empty values, in order).
    static func entry(_ values: (String) -> [String], location: String, folder: URL) -> SourceEntry {
        func first(_ name: String) -> String { values(name).first ?? "" }
        var attributes: [String: String] = [:]
        for name in attributeFields { attributes[name] = first(name) }
        if let type = FeedFields.mostSpecific(first("product_type")) { attributes["articleType"] = type }
        let availability = first("availability")
        if !availability.isEmpty { attributes["availability"] = FeedFields.availability(availability) }
        FeedFields.setPrices(regular: first("price"), sale: first("sale_price"), in: &attributes)
        return FeedFields.entry(id: first("id"), title: first("title"), image: first("image_link"),
                                additionalImages: values("additional_image_link").flatMap(FeedFields.list),
                                attributes: attributes, location: location, folder: folder, noImage: "there is no image_link")
    }
}

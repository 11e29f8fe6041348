import Foundation

/// A Shopify product CSV export: one product over consecutive rows with the same `Handle`.
///
/// The first row of a handle carries the product (`Title`, `Vendor`, `Type`, `Tags`, `Status`, `Product Category`,
/// `Google Shopping / Gender`, `Google Shopping / Age Group`, the option names `Option1 Name`…`Option3 Name`);
/// every row may add an image (`Image Src`, ordered by `Image Position`) and a variant (`Option1 Value`…,
/// `Variant Price`, `Variant Compare At Price`, `Variant Image`). One item per product: id = the Handle, the
/// image at the lowest position is the primary image, the other images and the variant images follow as
/// additional images. Attributes (keys as `FeedFields` describes): `brand` (Vendor), `product_type` and
/// `articleType` (Type), `tags`, `status`, `google_product_category`, `gender`, `age_group`, `item_group_id`
/// (the Handle), each option by its name ("Color" → `color`: the variants' values joined by ", "; Shopify's
/// "Title: Default Title" is skipped), and `price` (the cheapest variant's; with `sale_price` when its compare-at
/// price is higher). Rows of a handle that come back after other products, an empty Handle and a product
/// without an image are problems; a missing title falls back to the Handle. Location: the product's first row.
public struct ShopifyProductSource: CatalogSource {
    /// The CSV file.
    public let file: URL

    /// Creates a source for a Shopify product export.
    public init(file: URL) {
        self.file = file.standardizedFileURL
    }

    /// A short description for logs and import runs.
    public var description: String { "Shopify product CSV \(file.path)" }

    /// True when a CSV header has Shopify's `Handle` and `Image Src` columns.
    static func isHeader(_ columns: [String]) -> Bool {
        columns.contains("Handle") && columns.contains("Image Src")
    }

    /// The products, lazily, in file order; unreadable rows and products come out as problems.
    public func items() throws -> AnySequence<SourceEntry> {
        let table = try FeedTable(url: file, delimiter: ",")
        let missing = ["Handle", "Title", "Image Src"].filter { !table.has($0) }
        guard missing.isEmpty else {
            throw CatalogSourceError.missingColumns(file: file.path, missing: missing, found: table.columns)
        }
        let folder = file.deletingLastPathComponent()
        var product: PendingProduct?
        var finished = Set<String>()
        return AnySequence(AnyIterator<SourceEntry> {
            while true {
                switch table.next() {
                case nil:
                    defer { product = nil }
                    return product?.entry(folder: folder)
                case let .problem(problem):
                    return .problem(problem)
                case let .row(row):
                    let handle = row["Handle"]
                    let location = "\(table.fileName) line \(row.line)"
                    if handle.isEmpty {
                        return .problem(SourceProblem(item: location, reason: "the Handle is empty"))
                    }
                    if product?.handle == handle {
                        product?.add(row)
                        continue
                    }
                    let done = product
                    if let done { finished.insert(done.handle) }
                    product = PendingProduct(row, handle: handle, location: location, returning: finished.contains(handle))
                    if let done { return done.entry(folder: folder) }
                }
            }
        })
    }

    /// A product being gathered from its rows.
    struct PendingProduct {
        let handle: String
        let location: String
        /// True when rows with this handle came earlier, separated from these by other products.
        let returning: Bool
        let first: FeedTable.Row
        var images: [(position: Int, order: Int, source: String)] = []
        var variantImages: [String] = []
        var optionValues: [[String]] = [[], [], []]
        /// The variants' prices, as (price, compare-at price); either may be empty.
        var prices: [(String, String)] = []

        init(_ row: FeedTable.Row, handle: String, location: String, returning: Bool) {
            self.handle = handle
            self.location = location
            self.returning = returning
            first = row
            add(row)
        }

        mutating func add(_ row: FeedTable.Row) {
            let source = row["Image Src"]
            if !source.isEmpty {
                images.append((Int(row["Image Position"]) ?? Int.max, images.count, source))
            }
            let variantImage = row["Variant Image"]
            if !variantImage.isEmpty { variantImages.append(variantImage) }
            for option in 0 ..< 3 {
                let value = row["Option\(option + 1) Value"]
                if !value.isEmpty && !optionValues[option].contains(value) { optionValues[option].append(value) }
            }
            if !row["Variant Price"].isEmpty { prices.append((row["Variant Price"], row["Variant Compare At Price"])) }
        }

        func entry(folder: URL) -> SourceEntry {
            if returning {
                return .problem(SourceProblem(item: "\(location) (id \(handle))", reason: "rows of this Handle also come "
                    + "earlier, separated by other products; a product's rows must be consecutive"))
            }
            var attributes: [String: String] = [
                "brand": first["Vendor"], "product_type": first["Type"], "tags": first["Tags"],
                "status": first["Status"].lowercased(), "item_group_id": handle,
                "google_product_category": [first["Product Category"], first["Google Shopping / Google Product Category"]]
                    .first { !$0.isEmpty } ?? "",
                "gender": first["Google Shopping / Gender"], "age_group": first["Google Shopping / Age Group"],
            ]
            if let type = FeedFields.mostSpecific(first["Type"]) { attributes["articleType"] = type }
            for option in 0 ..< 3 {
                let name = first["Option\(option + 1) Name"]
                let values = optionValues[option]
                let key = FeedFields.attributeKey(name)
                guard !key.isEmpty, !values.isEmpty, !(name == "Title" && values == ["Default Title"]),
                      attributes[key]?.isEmpty != false else { continue }
                attributes[key] = values.joined(separator: ", ")
            }
            let cheapest = prices.compactMap { price, compareAt in
                FeedFields.price(price).map { (Decimal(string: $0.amount) ?? 0, price, compareAt) }
            }.min { $0.0 < $1.0 }
            if let cheapest {
                let (amount, price, compareAt) = cheapest
                if let regular = FeedFields.price(compareAt), let value = Decimal(string: regular.amount), value > amount {
                    FeedFields.setPrices(regular: compareAt, sale: price, in: &attributes)
                } else {
                    FeedFields.setPrices(regular: price, sale: "", in: &attributes)
                }
            }
            let ordered = images.sorted { ($0.position, $0.order) < ($1.position, $1.order) }.map(\.source) + variantImages
            return FeedFields.entry(id: handle, title: first["Title"], image: ordered.first ?? "",
                                    additionalImages: Array(ordered.dropFirst()), attributes: attributes,
                                    location: location, folder: folder, noImage: "there is no image (Image Src or Variant Image)")
        }
    }
}

import Foundation

/// A WooCommerce product CSV export: one item per row, variations included.
///
/// Columns read: `ID` (the item id; `SKU` when there is no ID), `Type`, `SKU`, `Name`, `Published`, `Categories`,
/// `Tags`, `Brands`, `Images` (comma-separated; the first is the primary image), `Parent`, `Regular price`,
/// `Sale price`, `In stock?`, `Attribute 1 name` / `Attribute 1 value(s)`, …. Attributes (keys as `FeedFields`
/// describes): `sku`, `product_type` (the categories as written, "\\," read as a comma) and `articleType` (the last step of the first
/// category), `tags`, `brand`, `price`, `sale_price`, `availability` (1 → in_stock, 0 → out_of_stock),
/// `status` (1 → published, 0 → private, -1 → draft), each attribute by its name ("Color" → `color`) and
/// `item_group_id`: a variation's parent (`Parent` is `id:123` or the parent's SKU) or a variable product's own id.
/// A variation takes what it leaves empty (title, images, attributes) from its variable product when that came
/// earlier in the file, as WooCommerce exports it. A row without ID and SKU or without an image is a problem; a
/// missing name falls back to the id. Location: "products.csv line 7".
public struct WooCommerceProductSource: CatalogSource {
    /// The CSV file.
    public let file: URL

    /// Creates a source for a WooCommerce product export.
    public init(file: URL) {
        self.file = file.standardizedFileURL
    }

    /// A short description for logs and import runs.
    public var description: String { "WooCommerce product CSV \(file.path)" }

    /// True when a CSV header has WooCommerce's `Name` and `Images` columns and `ID` or `SKU`.
    static func isHeader(_ columns: [String]) -> Bool {
        columns.contains("Name") && columns.contains("Images") && (columns.contains("ID") || columns.contains("SKU"))
    }

    /// What a variation takes from its variable product.
    struct Parent {
        var id: String
        var title: String
        var images: [String]
        var attributes: [String: String]
    }

    /// The items, lazily, in file order; unreadable rows come out as problems.
    public func items() throws -> AnySequence<SourceEntry> {
        let table = try FeedTable(url: file, delimiter: ",")
        var missing = ["Name", "Images"].filter { !table.has($0) }
        if !table.has("ID") && !table.has("SKU") { missing.append("ID") }
        guard missing.isEmpty else {
            throw CatalogSourceError.missingColumns(file: file.path, missing: missing, found: table.columns)
        }
        let attributeNumbers = table.columns.compactMap { column -> String? in
            guard column.hasPrefix("Attribute "), column.hasSuffix(" name") else { return nil }
            return String(column.dropFirst("Attribute ".count).dropLast(" name".count))
        }
        let folder = file.deletingLastPathComponent()
        // Variable products by "id:<ID>" and by SKU, the two ways a variation's Parent names them.
        var parents: [String: Parent] = [:]
        return AnySequence(AnyIterator<SourceEntry> {
            switch table.next() {
            case nil: return nil
            case let .problem(problem): return .problem(problem)
            case let .row(row):
                return Self.entry(row, location: "\(table.fileName) line \(row.line)", attributeNumbers: attributeNumbers,
                                  parents: &parents, folder: folder)
            }
        })
    }

    static func entry(_ row: FeedTable.Row, location: String, attributeNumbers: [String],
                      parents: inout [String: Parent], folder: URL) -> SourceEntry {
        let id = row["ID"].isEmpty ? row["SKU"] : row["ID"]
        var attributes: [String: String] = [
            "sku": row["SKU"], "product_type": row["Categories"].replacingOccurrences(of: "\\,", with: ","), "tags": row["Tags"], "brand": row["Brands"],
            "availability": availability(row["In stock?"]), "status": status(row["Published"]),
        ]
        if let category = firstCategory(row["Categories"]), let type = FeedFields.mostSpecific(category) {
            attributes["articleType"] = type
        }
        FeedFields.setPrices(regular: row["Regular price"], sale: row["Sale price"], in: &attributes)
        for number in attributeNumbers {
            let key = FeedFields.attributeKey(row["Attribute \(number) name"])
            let value = row["Attribute \(number) value(s)"]
            if !key.isEmpty, !value.isEmpty, attributes[key]?.isEmpty != false { attributes[key] = value }
        }
        attributes = attributes.filter { !$0.value.isEmpty }
        var title = row["Name"]
        var images = FeedFields.list(row["Images"])
        let parentReference = row["Parent"]
        let type = Set(FeedFields.list(row["Type"].lowercased()))
        if !parentReference.isEmpty {
            if let parent = parents[parentReference] {
                attributes = parent.attributes.filter { $0.key != "sku" }.merging(attributes) { _, own in own }
                attributes["item_group_id"] = parent.id
                if title.isEmpty { title = parent.title }
                if images.isEmpty { images = parent.images }
            } else {
                attributes["item_group_id"] = parentReference.hasPrefix("id:")
                    ? String(parentReference.dropFirst(3)) : parentReference
            }
        } else if type.contains("variable"), !id.isEmpty {
            attributes["item_group_id"] = id
            let parent = Parent(id: id, title: title, images: images, attributes: attributes)
            if !row["ID"].isEmpty { parents["id:\(row["ID"])"] = parent }
            if !row["SKU"].isEmpty { parents[row["SKU"]] = parent }
        }
        if id.isEmpty {
            return .problem(SourceProblem(item: location, reason: "there is no ID or SKU"))
        }
        return FeedFields.entry(id: id, title: title, image: images.first ?? "", additionalImages: Array(images.dropFirst()),
                                attributes: attributes, location: location, folder: folder,
                                noImage: "there is no image (Images is empty)")
    }

    /// The first of the comma-separated categories ("\," is a comma inside one).
    static func firstCategory(_ categories: String) -> String? {
        var category = ""
        var escaped = false
        for character in categories {
            if escaped { category.append(character); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "," { break }
            category.append(character)
        }
        let trimmed = category.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func availability(_ value: String) -> String {
        switch value {
        case "": return ""
        case "1": return "in_stock"
        case "0": return "out_of_stock"
        case "onbackorder": return "backorder"
        default: return FeedFields.availability(value)
        }
    }

    private static func status(_ value: String) -> String {
        switch value {
        case "1": return "published"
        case "0": return "private"
        case "-1": return "draft"
        default: return value.lowercased()
        }
    }
}

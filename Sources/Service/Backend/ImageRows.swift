import Catalog

/// Which index rows hold which products' additional images. A product's primary image is the row named by
/// its id; its image at position n is the row named `id + "\u{1F}" + n` (a name no real id is expected to
/// take; the table, not the name, says what a row is).
struct ImageRows: Sendable {
    /// Row name → (product id, image position).
    private var owners: [String: (id: String, position: Int)] = [:]
    /// Product id → the positions of its indexed additional images.
    private var positions: [String: [Int]] = [:]

    /// No images.
    init() {}

    /// Number of additional-image rows.
    var count: Int { owners.count }

    /// The row name of image `position` of product `id`.
    static func name(_ id: String, _ position: Int) -> String {
        position == 0 ? id : id + "\u{1F}" + String(position)
    }

    /// The product and image a row name stands for (a primary image when the name is no additional image's).
    func hit(row name: String, score: Float) -> ProductHit {
        guard let owner = owners[name] else { return ProductHit(id: name, score: score, image: 0) }
        return ProductHit(id: owner.id, score: score, image: owner.position)
    }

    /// The row names of a product's additional images.
    func names(of id: String) -> [String] {
        (positions[id] ?? []).map { Self.name(id, $0) }
    }

    /// The positions of a product's additional images.
    func positions(of id: String) -> [Int] { positions[id] ?? [] }

    /// Records image `position` of `id`; returns its row name.
    @discardableResult
    mutating func insert(_ id: String, _ position: Int) -> String {
        let name = Self.name(id, position)
        owners[name] = (id, position)
        positions[id, default: []].append(position)
        return name
    }

    /// Forgets a product's additional images; returns their row names.
    mutating func remove(_ id: String) -> [String] {
        let names = names(of: id)
        for name in names { owners[name] = nil }
        positions[id] = nil
        return names
    }

    /// `table` with a row per additional image of `images` after its own rows (named by `name`, with their
    /// product's attributes; images of products without a primary vector, or of another dimension, left out),
    /// and the rows it added.
    static func merged(_ table: VectorTable, _ images: ImageVectorTable) -> (table: VectorTable, rows: ImageRows) {
        var rows = ImageRows()
        guard images.count > 0, table.count > 0, table.dimension == images.dimension else { return (table, rows) }
        var rowOfID: [String: Int] = [:]
        rowOfID.reserveCapacity(table.count)
        for (row, id) in table.ids.enumerated() { rowOfID[id] = row }
        var ids = table.ids, attributes = table.attributes, vectors = table.vectors
        let d = table.dimension
        for row in 0 ..< images.count {
            let id = images.productIDs[row]
            guard let primary = rowOfID[id] else { continue }
            ids.append(rows.insert(id, images.positions[row]))
            attributes.append(table.attributes[primary])
            vectors.append(contentsOf: images.vectors[row * d ..< (row + 1) * d])
        }
        return (VectorTable(modelKey: table.modelKey, ids: ids, attributes: attributes, dimension: d, vectors: vectors), rows)
    }
}

import Catalog

/// The catalog's attribute values and counts (for filter menus and for telling filters from other
/// parameters), read from the store once and again after the catalog changes.
actor FacetCache {
    private let store: any CatalogStore
    private var cached: [Facet]?

    /// Values kept per key.
    static let valuesPerKey = 50

    init(store: any CatalogStore) {
        self.store = store
    }

    /// Every attribute key with its most frequent values.
    func facets() async throws -> [Facet] {
        if let cached { return cached }
        let facets = try await store.facets(keys: nil, limit: Self.valuesPerKey)
        cached = facets
        return facets
    }

    /// The attribute keys of the catalog.
    func keys() async throws -> Set<String> {
        Set(try await facets().map(\.key))
    }

    /// Forgets the cached values (the catalog changed).
    func invalidate() {
        cached = nil
    }
}

/// How attributes are shown: which keys make filter menus, their labels, and a card's key facts.
enum FacetDisplay {
    /// Keys shown first, in this order, when a catalog has them (the Kaggle fashion catalog's columns).
    static let preferredKeys = ["gender", "masterCategory", "subCategory", "articleType", "baseColour", "season", "usage", "year"]

    /// Facets worth a filter menu: 2 to 60 distinct values, preferred keys first.
    static func menus(_ facets: [Facet]) -> [Facet] {
        facets.filter { $0.distinctValues >= 2 && $0.distinctValues <= 60 }.sorted { order($0.key, $1.key) }
    }

    /// "articleType" → "Article type", "baseColour" → "Colour".
    static func label(_ key: String) -> String {
        switch key {
        case "baseColour", "baseColor", "colour", "color": return "Colour"
        case "masterCategory": return "Category"
        case "subCategory": return "Subcategory"
        case "articleType": return "Type"
        default: break
        }
        var words: [String] = []
        var current = ""
        for character in key {
            if character == "_" || character == "-" || character == " " {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if character.isUppercase, !current.isEmpty, !(current.last?.isUppercase ?? false) {
                words.append(current)
                current = String(character)
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        let sentence = words.map { $0.lowercased() }.joined(separator: " ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst()
    }

    /// Up to `limit` attribute values worth showing on a card, preferred keys first.
    static func keyFacts(_ attributes: [String: String], limit: Int = 3) -> [String] {
        attributes.filter { !["split", "id", "year"].contains($0.key) && !$0.value.isEmpty }
            .sorted { order($0.key, $1.key) }.prefix(limit).map(\.value)
    }

    /// Preferred keys first (in their order), then alphabetical.
    static func order(_ a: String, _ b: String) -> Bool {
        let ia = preferredKeys.firstIndex(of: a) ?? Int.max, ib = preferredKeys.firstIndex(of: b) ?? Int.max
        return ia != ib ? ia < ib : a < b
    }
}

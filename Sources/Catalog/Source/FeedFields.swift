import Foundation

/// Values shared by the product feed sources (Merchant Center, Shopify, WooCommerce): image references,
/// prices, lists, and the checks every feed item goes through.
///
/// Every feed maps its fields to the same attribute keys, Merchant Center's names: `brand`, `gender`,
/// `age_group`, `color`, `size`, `material`, `product_type`, `google_product_category`, `item_group_id`,
/// `link`, `availability`, `price` and `sale_price` (numbers as text, "29.99"), `currency` ("EUR"), plus
/// `articleType`, the most specific product type ("Apparel > Dresses > Maxi dresses" → "Maxi dresses"),
/// the key `lookalike tune` and the search page's type facet use. `color` is not copied to `baseColour`: the page
/// already shows `color` as "Colour".
enum FeedFields {
    /// An image reference for a feed value: an http(s) URL is `.remote`, a `file:` URL or a path (relative to
    /// `folder`, or absolute) is `.file`; nil when the value is neither (another URL scheme, a malformed URL).
    static func imageReference(_ text: String, folder: URL) -> ImageReference? {
        let lowered = text.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            guard let url = URL(string: text), url.host?.isEmpty == false else { return nil }
            return .remote(url)
        }
        if lowered.hasPrefix("file://") {
            guard let url = URL(string: text), url.isFileURL, !url.path.isEmpty else { return nil }
            return .file(url.standardizedFileURL)
        }
        if let colon = text.firstIndex(of: ":"), let slash = text.firstIndex(of: "/"), colon < slash {
            return nil  // another scheme (ftp://, data:…)
        }
        let url = text.hasPrefix("/") ? URL(fileURLWithPath: text) : folder.appendingPathComponent(text)
        return .file(url.standardizedFileURL)
    }

    /// A comma-separated list, each value trimmed, empty ones dropped.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The last step of a category path: "Apparel > Dresses > Maxi dresses" → "Maxi dresses"; nil when empty.
    static func mostSpecific(_ path: String) -> String? {
        let last = path.split(separator: ">").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return last.isEmpty ? nil : last
    }

    /// An attribute key for a shop's option or attribute name: "Color" → "color", "Fabric type" → "fabric_type".
    static func attributeKey(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .split(whereSeparator: { $0 == " " || $0 == "-" }).joined(separator: "_")
    }

    /// Availability as Merchant Center spells it: "in stock" → "in_stock".
    static func availability(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            .split(whereSeparator: { $0 == " " || $0 == "_" }).joined(separator: "_")
    }

    /// A price split into its number and currency: "29.99 EUR" → ("29.99", "EUR"); "EUR 29.99", "29.99",
    /// "1,299.00 USD" → "1299.00", "29,99 EUR" → "29.99". Nil when there is no number.
    static func price(_ text: String) -> (amount: String, currency: String?)? {
        var words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var currency: String?
        if let last = words.last, words.count > 1, isCurrencyCode(last) {
            currency = last
            words.removeLast()
        } else if let first = words.first, words.count > 1, isCurrencyCode(first) {
            currency = first
            words.removeFirst()
        }
        guard words.count == 1, let amount = number(words[0]) else { return nil }
        return (amount, currency)
    }

    /// "1,299.00" → "1299.00", "29,99" → "29.99", "29.99" → "29.99"; nil when it is not a non-negative number.
    private static func number(_ text: String) -> String? {
        var digits = text
        let lastComma = text.lastIndex(of: ","), lastDot = text.lastIndex(of: ".")
        if let lastComma, let lastDot {
            // Both: the last one is the decimal separator.
            if lastComma > lastDot {
                digits = text.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
            } else {
                digits = text.replacingOccurrences(of: ",", with: "")
            }
        } else if let lastComma {
            let decimals = text.distance(from: text.index(after: lastComma), to: text.endIndex)
            let commas = text.filter { $0 == "," }.count
            digits = commas == 1 && decimals <= 2 ? text.replacingOccurrences(of: ",", with: ".")
                : text.replacingOccurrences(of: ",", with: "")
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts.count == 1 || !parts[1].isEmpty else { return nil }
        return digits
    }

    private static func isCurrencyCode(_ word: String) -> Bool {
        word.count == 3 && word.allSatisfy { $0.isASCII && $0.isUppercase }
    }

    /// Sets `price`, `sale_price` and `currency` from a regular and a sale price (either may be empty);
    /// a value that is not a number is left out.
    static func setPrices(regular: String, sale: String, in attributes: inout [String: String]) {
        var currency: String?
        if let price = price(regular) {
            attributes["price"] = price.amount
            currency = price.currency
        }
        if let price = price(sale) {
            attributes["sale_price"] = price.amount
            currency = currency ?? price.currency
        }
        if let currency { attributes["currency"] = currency }
    }

    /// Builds a feed item after the checks every feed shares: an id, a primary image that is an http(s) URL or an
    /// existing file, additional images that are URLs or paths (missing local files among them are kept: the import
    /// fails such an image alone), duplicates dropped. An empty title falls back to the id; empty attributes are dropped.
    /// `noImage` is the reason given when `image` is empty.
    static func entry(id: String, title: String, image: String, additionalImages: [String], attributes: [String: String],
                      location: String, folder: URL, noImage: String) -> SourceEntry {
        guard !id.isEmpty else {
            return .problem(SourceProblem(item: location, reason: "the id is empty"))
        }
        let item = "\(location) (id \(id))"
        guard !image.isEmpty else {
            return .problem(SourceProblem(item: item, reason: noImage))
        }
        var references: [ImageReference] = []
        for text in [image] + additionalImages {
            guard let reference = imageReference(text, folder: folder) else {
                return .problem(SourceProblem(item: item, reason: "the image \(text) is neither an http(s) URL nor a file path"))
            }
            if !references.contains(reference) { references.append(reference) }
        }
        if case let .file(url) = references[0] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue else {
                return .problem(SourceProblem(item: item, reason: "image \(image) not found"))
            }
        }
        return .item(SourceItem(id: id, title: title.isEmpty ? id : title, attributes: attributes.filter { !$0.value.isEmpty },
                                image: references[0], additionalImages: Array(references.dropFirst()), location: location))
    }
}

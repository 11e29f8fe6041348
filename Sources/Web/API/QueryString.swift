import Foundation
import Hummingbird

/// The query string as (name, value) pairs in order, decoded the way browsers encode forms:
/// `+` is a space, `%XX` a byte, in names as well as values (`URLSearchParams` writes "Ankle+boot").
enum QueryString {
    /// Every pair of `query` (without the leading '?'); a name without '=' gets an empty value.
    static func pairs(_ query: String?) -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(pieces[0]), pieces.count > 1 ? decode(pieces[1]) : "")
        }
    }

    /// The last value of `name`, if any.
    static func value(_ name: String, in query: String?) -> String? {
        pairs(query).last { $0.0 == name }?.1
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension Request {
    /// The decoded query pairs.
    var queryPairs: [(String, String)] { QueryString.pairs(uri.query) }

    /// The last decoded value of a query parameter.
    func query(_ name: String) -> String? { QueryString.value(name, in: uri.query) }
}

/// A piece of HTML. Interpolated strings are escaped; only other `HTML` values go in as markup,
/// so text from the catalog or the client can never inject tags or attributes.
struct HTML: ExpressibleByStringInterpolation, CustomStringConvertible, Sendable {
    /// The markup.
    private(set) var markup: String

    init(stringLiteral value: String) { markup = value }
    init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }
    private init(markup: String) { self.markup = markup }

    var description: String { markup }

    /// Markup already known to be safe (from this program's own literals).
    static func trusted(_ markup: String) -> HTML { HTML(markup: markup) }

    /// Several pieces one after another.
    static func join(_ parts: [HTML], separator: HTML = "") -> HTML {
        HTML(markup: parts.map(\.markup).joined(separator: separator.markup))
    }

    /// Builds HTML from literals (markup) and interpolations (escaped text or nested HTML).
    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity * 2) }
        mutating func appendLiteral(_ literal: String) { markup += literal }
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { markup += part.markup } }
        mutating func appendInterpolation<Number: BinaryInteger>(_ number: Number) { markup += String(number) }
    }

    /// Text with `& < > " '` replaced by entities (safe in element content and quoted attributes).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

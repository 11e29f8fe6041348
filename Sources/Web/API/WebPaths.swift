import Foundation

/// The URLs of a product's page, image and thumbnail; ids are percent-encoded so any id fits one path segment.
enum WebPaths {
    private static let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The id as one path segment ("cats/chelsea" → "cats%2Fchelsea").
    static func segment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: allowed) ?? id
    }

    /// The product page.
    static func product(_ id: String) -> String { "/products/\(segment(id))" }
    /// The original image.
    static func image(_ id: String) -> String { "/images/\(segment(id))" }
    /// The thumbnail.
    static func thumbnail(_ id: String) -> String { "/thumbnails/\(segment(id))" }
}

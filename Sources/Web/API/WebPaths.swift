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
    /// The original image: the primary one, or the product's image at `position` (`?image=N`).
    static func image(_ id: String, position: Int = 0) -> String { "/images/\(segment(id))" + query(position) }
    /// The thumbnail of the primary image, or of the product's image at `position`.
    static func thumbnail(_ id: String, position: Int = 0) -> String { "/thumbnails/\(segment(id))" + query(position) }

    private static func query(_ position: Int) -> String { position == 0 ? "" : "?image=\(position)" }
}

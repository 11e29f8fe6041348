import Foundation
import Hummingbird

/// An image sent with a request — as a multipart field or as the raw body — plus the form's text fields.
struct ImageUpload: Sendable {
    /// The image bytes.
    var data: Data
    /// A name for messages: the client's file name cut to its last component, or "the upload".
    var displayName: String
    /// Text fields of a multipart form (empty for raw bodies).
    var fields: [(String, String)]

    /// What clients are told to send.
    static let expected = "multipart/form-data with the photo in the field 'image', or the photo itself as the body "
        + "with its image content type (e.g. Content-Type: image/jpeg)"

    /// Reads the request's image: 415 for other content types, 400 when a form lacks `field`, 413 past `limit`.
    static func read(_ request: Request, field: String = "image", limit: Int) async throws -> ImageUpload {
        let header = request.headers[.contentType]
        let type = header.flatMap { MediaType(from: $0) }
        if let type, type.isType(.multipartForm) {
            guard let boundary = type.parameter.flatMap({ $0.name.lowercased() == "boundary" ? $0.value : nil }),
                  !boundary.isEmpty else {
                throw APIError(.badRequest, "malformed_multipart", "the multipart Content-Type has no boundary")
            }
            let form = try await MultipartForm.read(request, boundary: boundary, limit: limit)
            guard let part = form.part(named: field) else { throw APIError.missingImage(field: field) }
            return ImageUpload(data: Data(part.body.readableBytesView), displayName: displayName(part.filename),
                               fields: form.textFields)
        }
        if let type, type.type == .image || (type.type == .application && type.subType == "octet-stream") {
            let body = try await BodyReader.collect(request, limit: limit)
            return ImageUpload(data: Data(body.readableBytesView), displayName: "the upload", fields: [])
        }
        throw APIError.unsupportedMediaType(header, expected: expected)
    }

    /// The last path component of a client file name, printable and at most 80 characters.
    static func displayName(_ filename: String?) -> String {
        guard let filename else { return "the upload" }
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(80).map(Character.init))
        return clean.isEmpty ? "the upload" : clean
    }
}

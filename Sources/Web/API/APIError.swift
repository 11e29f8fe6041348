import Foundation
import Hummingbird

/// An error answered to the client: an HTTP status, a stable machine-readable code and a message
/// for people. It renders itself as `{"error": {"code": …, "message": …}}` (a Hummingbird
/// `HTTPResponseError`); pages people open in a browser show it as an HTML page instead.
///
/// The message is all the client sees: server paths, file contents and underlying errors go in `detail`,
/// which only the server's log gets.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable code clients can branch on, e.g. `not_an_image`.
    public var code: String
    /// What went wrong and what to do, in words for the person who hit it.
    public var message: String
    /// Headers the answer carries besides the JSON ones (`WWW-Authenticate`, `Allow`).
    public var headers: HTTPFields
    /// What the server's log gets besides the message (the underlying error, server paths); never sent.
    public var detail: String?

    /// Creates an error.
    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:], detail: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.detail = detail
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public static func == (a: APIError, b: APIError) -> Bool {
        a.status.code == b.status.code && a.code == b.code && a.message == b.message
    }

    // MARK: - The errors the routes raise

    /// 400: a parameter is missing or out of range.
    static func badParameter(_ message: String) -> APIError { APIError(.badRequest, "invalid_parameter", message) }
    /// 400: the multipart body lacks the image.
    static func missingImage(field: String) -> APIError {
        APIError(.badRequest, "missing_image", "the request has no image: send it as the multipart field '\(field)' "
            + "or as the raw body with an image content type (e.g. image/jpeg)")
    }
    /// 401: the admin key is missing or wrong.
    static func unauthorized(configured: Bool) -> APIError {
        let challenge: HTTPFields = [.wwwAuthenticate: #"Bearer realm="lookalike-admin""#]
        return configured
            ? APIError(.unauthorized, "unauthorized", "this call changes the catalog and needs the admin key: "
                + "send it as 'Authorization: Bearer KEY' or 'X-Admin-Key: KEY'", headers: challenge)
            : APIError(.unauthorized, "unauthorized", "changing the catalog is disabled on this server: "
                + "start it with --admin-key KEY (or the LOOKALIKE_ADMIN_KEY environment variable)", headers: challenge)
    }
    /// 404: no such product.
    static func unknownProduct(_ id: String) -> APIError { APIError(.notFound, "unknown_product", "no product with id '\(id)'") }
    /// 404: no such route.
    static func noRoute(_ method: String, _ path: String) -> APIError {
        APIError(.notFound, "not_found", "there is no \(method) \(path); see /openapi.json for the API")
    }
    /// 405: the path exists, but not with this method; `Allow` lists the methods it has.
    static func methodNotAllowed(_ method: String, _ path: String, allowed: [String]) -> APIError {
        let list = allowed.joined(separator: ", ")
        return APIError(.methodNotAllowed, "method_not_allowed", "\(path) does not answer \(method); it answers \(list)",
                        headers: [.allow: list])
    }
    /// 400: the body stopped before its end (the client closed the connection mid-upload).
    static func uploadAborted(_ cause: (any Error)?) -> APIError {
        APIError(.badRequest, "upload_aborted", "the upload stopped before the whole body arrived (was the connection closed?)",
                 detail: cause.map { "\($0)" })
    }
    /// 503: the request's work took longer than the server's budget.
    static func workTimeout(_ budget: Duration) -> APIError {
        let seconds = Double(budget.components.seconds) + Double(budget.components.attoseconds) / 1e18
        return APIError(.serviceUnavailable, "timeout", "the request took longer than the server allows (\(String(format: "%g", seconds)) s); "
            + "try a smaller image or fewer results, or try again later")
    }
    /// 413: the body is larger than allowed.
    static func tooLarge(bytes: Int?, limit: Int) -> APIError {
        let size = bytes.map { " (\(ByteFormat.text($0)))" } ?? ""
        return APIError(.contentTooLarge, "too_large", "the upload is too large\(size): the limit is \(ByteFormat.text(limit))")
    }
    /// 415: the body is neither multipart nor an image.
    static func unsupportedMediaType(_ type: String?, expected: String) -> APIError {
        APIError(.unsupportedMediaType, "unsupported_media_type",
                 "the request body is \(type.map { "'\($0)'" } ?? "untyped"); send \(expected)")
    }
}

/// Byte counts for messages ("20 MB").
enum ByteFormat {
    static func text(_ bytes: Int) -> String {
        if bytes >= 1_000_000 { return String(format: "%.1f MB", Double(bytes) / 1_000_000) }
        if bytes >= 1_000 { return String(format: "%.1f kB", Double(bytes) / 1_000) }
        return "\(bytes) bytes"
    }
}

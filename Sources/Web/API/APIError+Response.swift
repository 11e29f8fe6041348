import Foundation
import Hummingbird

extension APIError: HTTPResponseError {
    /// The error as JSON `{"error": {"code", "message"}}` with its status and headers; never cached.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        APIJSONEncoder.response(jsonBody, status: status, headers: headers)
    }

    /// `{"error": {"code": …, "message": …}}`, encoded.
    var jsonBody: Data {
        let envelope = ErrorEnvelope(error: .init(code: code, message: message))
        return (try? APIJSONEncoder.json.encode(envelope)) ?? Data(#"{"error":{"code":"internal","message":"error"}}"#.utf8)
    }
}

/// `{"error": {"code": …, "message": …}}`.
struct ErrorEnvelope: Codable {
    /// The code and the message.
    struct Detail: Codable {
        var code: String
        var message: String
    }
    var error: Detail
}

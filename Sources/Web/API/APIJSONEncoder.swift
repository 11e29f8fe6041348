import Foundation
import Hummingbird

/// JSON bodies the way every route writes them: compact, sorted keys, slashes unescaped.
enum JSONResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// A response carrying `value` as JSON.
    static func make<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = fields[.cacheControl] ?? "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The JSON form of an error.
    static func error(_ error: APIError) -> Response {
        let body = ErrorEnvelope(error: .init(code: error.code, message: error.message))
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"error"}}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if error.status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="lookalike-admin""# }
        return Response(status: error.status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `{"error": {"code": …, "message": …}}`.
struct ErrorEnvelope: Codable {
    struct Detail: Codable {
        var code: String
        var message: String
    }
    var error: Detail
}

import Foundation
import Hummingbird

/// JSON bodies the way every route writes them: compact, sorted keys, slashes unescaped, ISO 8601 dates,
/// `Content-Type: application/json; charset=utf-8` and `Cache-Control: no-store`.
///
/// The response encoder of `WebContext`, so a handler returns its `ResponseEncodable` value and this
/// turns it into the response.
public struct APIJSONEncoder: ResponseEncoder, Sendable {
    /// The one configured encoder.
    static let json: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// Creates the encoder.
    public init() {}

    /// A 200 response carrying `value` as JSON.
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        Self.response(try Self.json.encode(value), status: .ok)
    }

    /// A response carrying already encoded JSON, with the API's JSON headers plus `headers`.
    static func response(_ json: Data, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: json)))
    }
}

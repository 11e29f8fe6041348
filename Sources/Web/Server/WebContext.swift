import Foundation
import Hummingbird

/// The request context of every route: Hummingbird's core context, with the API's JSON encoder for the
/// `ResponseEncodable` values handlers return.
public struct WebContext: RequestContext {
    /// Hummingbird's per-request storage (logger, path parameters, matched route).
    public var coreContext: CoreRequestContextStorage

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Encodes the values handlers return the way the whole API writes JSON.
    public var responseEncoder: APIJSONEncoder { APIJSONEncoder() }
}

extension WebContext {
    /// A path parameter, percent-decoded (ids may hold '/' and other characters, sent encoded).
    func pathParameter(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw APIError.badParameter("the \(name) in the path is not valid percent-encoding")
        }
        return decoded
    }
}

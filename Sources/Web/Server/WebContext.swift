import Foundation
import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core context and the client's address, with the
/// API's JSON encoder for the `ResponseEncodable` values handlers return.
public struct WebContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage (logger, path parameters, matched route).
    public var coreContext: CoreRequestContextStorage
    /// The address of the connection's peer (the client, or a proxy in front of the server); nil in
    /// in-memory tests.
    public let remoteAddress: SocketAddress?

    /// Creates the context of one request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
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

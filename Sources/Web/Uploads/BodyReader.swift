import Hummingbird
import NIOCore

/// Reads request bodies with a byte cap enforced while streaming: a body announced or found to be
/// larger than the cap is refused (413) without being held in memory.
enum BodyReader {
    /// Refuses at once a body whose Content-Length already exceeds `limit`.
    static func checkDeclaredLength(_ request: Request, limit: Int) throws {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError.tooLarge(bytes: declared, limit: limit)
        }
    }

    /// The whole body, or 413 as soon as more than `limit` bytes have arrived (Hummingbird's own capped
    /// collect, its `NIOTooManyBytesError` worded as the API's error).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        try checkDeclaredLength(request, limit: limit)
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(bytes: nil, limit: limit)
        }
    }
}

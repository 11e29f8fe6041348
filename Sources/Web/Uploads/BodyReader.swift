import Hummingbird

/// Reads request bodies with a byte cap enforced while streaming: a body announced or found to be
/// larger than the cap is refused (413) without being held in memory.
enum BodyReader {
    /// Refuses at once a body whose Content-Length already exceeds `limit`.
    static func checkDeclaredLength(_ request: Request, limit: Int) throws {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw APIError.tooLarge(bytes: declared, limit: limit)
        }
    }

    /// The whole body, or 413 as soon as more than `limit` bytes have arrived.
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        try checkDeclaredLength(request, limit: limit)
        var collected = ByteBuffer()
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else {
                throw APIError.tooLarge(bytes: nil, limit: limit)
            }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }
}

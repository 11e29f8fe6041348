import Hummingbird
import NIOCore

/// Reads request bodies with a byte cap enforced while streaming: a body announced or found to be
/// larger than the cap is refused (413) without being held in memory. A body that stops early (the
/// client closed the connection mid-upload) is the client's 400 `upload_aborted`, never a server failure;
/// one cut for arriving too slowly (`RequestDeadlineHandler`) is 408 `request_timeout`.
enum BodyReader {
    /// Refuses at once a body whose Content-Length already exceeds `limit`.
    static func checkDeclaredLength(_ request: Request, limit: Int) throws {
        if let declared = declaredLength(request), declared > limit {
            throw APIError.tooLarge(bytes: declared, limit: limit)
        }
    }

    /// The whole body, or 413 as soon as more than `limit` bytes have arrived (Hummingbird's own capped
    /// collect, its `NIOTooManyBytesError` worded as the API's error).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        try checkDeclaredLength(request, limit: limit)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.tooLarge(bytes: nil, limit: limit)
        } catch let timeout as RequestTimeout {
            throw timeout.apiError
        } catch {
            throw APIError.uploadAborted(error)
        }
        try checkComplete(request, received: body.readableBytes)
        return body
    }

    /// The next chunk of a body read piece by piece; the stream's own failure is `upload_aborted`.
    static func next(_ iterator: inout RequestBody.AsyncIterator) async throws -> ByteBuffer? {
        do {
            return try await iterator.next()
        } catch let timeout as RequestTimeout {
            throw timeout.apiError
        } catch {
            throw APIError.uploadAborted(error)
        }
    }

    /// 400 `upload_aborted` when fewer bytes came than the Content-Length announced.
    static func checkComplete(_ request: Request, received: Int) throws {
        if let declared = declaredLength(request), received < declared { throw APIError.uploadAborted(nil) }
    }

    private static func declaredLength(_ request: Request) -> Int? {
        request.headers[.contentLength].flatMap { Int($0) }
    }
}

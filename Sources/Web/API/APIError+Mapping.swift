import Catalog
import Embedding
import Hummingbird
import Imaging
import Service

extension APIError {
    /// The answer for any error a route lets escape: known errors get their status and code. A server
    /// failure (5xx) gets a neutral message; what failed, with any server path, goes to `detail` (the log).
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as RequestTimeout:
            return error.apiError
        case let error as ImagingError:
            return from(error)
        case let error as QueryError:
            return from(error)
        case let error as CatalogStoreError:
            if case .invalidProduct = error { return APIError(.unprocessableContent, "invalid_product", error.description) }
            return serverFailure("catalog_error", "the catalog could not be read or written", error)
        case let error as EmbeddingError:
            return serverFailure("model_error", "the model failed on this request", error)
        case let error as HTTPError:
            if error.status == .notFound { return APIError(.notFound, "not_found", error.body ?? "not found") }
            if error.status == .contentTooLarge { return APIError(.contentTooLarge, "too_large", error.body ?? "the request is too large") }
            return APIError(error.status, "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        default:
            return serverFailure("internal", "the server failed", error)
        }
    }

    /// A 500 that tells the client only what failed in general; `cause` goes to the log.
    static func serverFailure(_ code: String, _ what: String, _ cause: any Error) -> APIError {
        APIError(.internalServerError, code, "\(what); the server's log has the details", detail: "\(cause)")
    }

    /// 500: an image file of the catalog (on the server) cannot be read or decoded; the cause, with the
    /// file's path, goes to the log. An `APIError` (e.g. 404 `image_missing`) passes unchanged.
    static func storedImageUnreadable(_ subject: String, cause: any Error) -> APIError {
        if let error = cause as? APIError { return error }
        return APIError(.internalServerError, "image_unreadable", "the stored image of \(subject) cannot be read; "
            + "the server's log has the details", detail: "\(cause)")
    }

    /// Problems of an uploaded image (its own name and bytes are the client's): not an image → 415,
    /// damaged → 422, a variant of a format libvips cannot decode → 415, too big (bytes or pixels) → 413, bad crop → 400. Images of the catalog are the
    /// server's (`storedImageUnreadable`).
    static func from(_ error: ImagingError) -> APIError {
        switch error {
        case .empty:
            return APIError(.unsupportedMediaType, "empty_image", error.description)
        case .notAnImage:
            return APIError(.unsupportedMediaType, "not_an_image", error.description)
        case .tooManyBytes:
            return APIError(.contentTooLarge, "too_large", error.description)
        case .tooManyPixels:
            return APIError(.contentTooLarge, "too_many_pixels", error.description)
        case .corrupt:
            return APIError(.unprocessableContent, "corrupt_image", error.description)
        case .unsupportedVariant:
            return APIError(.unsupportedMediaType, "unsupported_image", error.description)
        case .unreadable:
            return serverFailure("image_unreadable", "an image file on the server cannot be read", error)
        case .invalidRegion:
            return APIError(.badRequest, "invalid_crop", error.description)
        }
    }

    /// Query problems: empty catalog → 422, unknown product → 404, bad parameter → 400.
    static func from(_ error: QueryError) -> APIError {
        switch error {
        case .emptyCatalog(let modelKey):
            return APIError(.unprocessableContent, "empty_catalog",
                            "the catalog is empty: no products are indexed with this model (\(modelKey)) yet, so there is "
                                + "nothing to compare photos with; import some with `lookalike index SOURCE` or POST /api/products")
        case .unknownProduct(let id):
            return .unknownProduct(id)
        case .invalidParameter:
            return .badParameter(error.description)
        }
    }
}

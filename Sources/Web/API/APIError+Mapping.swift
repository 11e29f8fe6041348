import Catalog
import Embedding
import Hummingbird
import Imaging
import Service

extension APIError {
    /// The answer for any error a route lets escape: known errors get their status and code,
    /// anything else is a 500 whose message still says what failed.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ImagingError:
            return from(error)
        case let error as QueryError:
            return from(error)
        case let error as CatalogStoreError:
            if case .invalidProduct = error { return APIError(.unprocessableContent, "invalid_product", error.description) }
            return APIError(.internalServerError, "catalog_error", error.description)
        case let error as EmbeddingError:
            return APIError(.internalServerError, "model_error", error.description)
        case let error as HTTPError:
            if error.status == .notFound { return APIError(.notFound, "not_found", error.body ?? "not found") }
            if error.status == .contentTooLarge { return APIError(.contentTooLarge, "too_large", error.body ?? "the request is too large") }
            return APIError(error.status, "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        default:
            return APIError(.internalServerError, "internal", "the server failed: \(error)")
        }
    }

    /// Image problems: not an image → 415, damaged → 422, too big (bytes or pixels) → 413, bad crop → 400.
    static func from(_ error: ImagingError) -> APIError {
        switch error {
        case .empty:
            return APIError(.unsupportedMediaType, "empty_image", error.description)
        case .notAnImage:
            return APIError(.unsupportedMediaType, "not_an_image", error.description + "; send a JPEG, PNG, WebP, GIF, TIFF, HEIC or AVIF photo")
        case .tooManyBytes:
            return APIError(.contentTooLarge, "too_large", error.description)
        case .tooManyPixels:
            return APIError(.contentTooLarge, "too_many_pixels", error.description)
        case .corrupt:
            return APIError(.unprocessableContent, "corrupt_image", error.description)
        case .unreadable:
            return APIError(.internalServerError, "image_unreadable", error.description)
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

import Catalog
import Foundation
import Hummingbird

/// `GET /images/{id}` (the stored photo) and `GET /thumbnails/{id}?size=` (a cached JPEG), with
/// ETags and Cache-Control so browsers and proxies keep them; `?image=N` picks the product's image at
/// position N (0, the default: the primary image).
struct ImageController {
    let app: WebApp

    /// Thumbnail sizes clients may ask for (longest side, pixels).
    static let sizes = [160, 320, 640]

    /// Adds the routes to `group` (the site's root).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.get("images/{id}", use: original)
        group.get("thumbnails/{id}", use: thumbnail)
    }

    @Sendable func original(_ request: Request, context: WebContext) async throws -> Response {
        let product = try await product(context, image: try position(request))
        let etag = "\"i-\(ThumbnailCache.version(of: product))\""
        if Self.matches(request, etag) { return Self.notModified(etag) }
        let limits = app.service.embedder.options.limits
        let image = try Self.reading(product) { try ProductImage.load(product, limits: limits) }
        return Self.image(image.data, type: ImageFormat(sniffing: image.data).mimeType, etag: etag)
    }

    @Sendable func thumbnail(_ request: Request, context: WebContext) async throws -> Response {
        let size = try size(request)
        let product = try await product(context, image: try position(request))
        let etag = ThumbnailCache.etag(for: product, size: size)
        if Self.matches(request, etag) { return Self.notModified(etag) }
        let cache = app.thumbnails
        let thumbnail = try await app.onWorkers { try Self.reading(product) { try cache.thumbnail(for: product, size: size) } }
        return Self.image(thumbnail.data, type: "image/jpeg", etag: thumbnail.etag)
    }

    /// Runs `body` on the product's stored image: a file that cannot be read or decoded is the server's
    /// failure (500, neutral message), never a client error naming the file.
    static func reading<T>(_ product: Product, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw APIError.storedImageUnreadable("product '\(product.id)'", cause: error)
        }
    }

    /// The product, or — for an additional image — the product as seen through that image: its image path
    /// and hash are the image's (so the thumbnail cache and ETags tell the images apart).
    private func product(_ context: WebContext, image position: Int) async throws -> Product {
        let id = try context.pathParameter("id")
        guard var product = try await app.service.store.product(id: id) else { throw APIError.unknownProduct(id) }
        guard position > 0 else { return product }
        guard let photo = product.images.first(where: { $0.position == position }) else {
            throw APIError(.notFound, "image_missing", "product '\(id)' has no image \(position)")
        }
        product.id = "\(id) image \(position)"
        product.imagePath = photo.imagePath
        product.contentHash = photo.contentHash
        product.images = []
        return product
    }

    /// The `image` parameter: a position, 0 (the primary image) when absent.
    private func position(_ request: Request) throws -> Int {
        guard let text = request.query("image"), !text.isEmpty else { return 0 }
        guard let position = Int(text), position >= 0, position <= 10_000 else {
            throw APIError.badParameter("image must be a whole number from 0 (the primary image) (got '\(text.prefix(20))')")
        }
        return position
    }

    private func size(_ request: Request) throws -> Int {
        guard let text = request.query("size") else { return app.options.thumbnailSize }
        guard let size = Int(text), Self.sizes.contains(size) else {
            throw APIError.badParameter("size must be one of \(Self.sizes.map(String.init).joined(separator: ", ")) (got '\(text.prefix(20))')")
        }
        return size
    }

    /// Whether the client's If-None-Match holds `etag`.
    static func matches(_ request: Request, _ etag: String) -> Bool {
        guard let header = request.headers[.ifNoneMatch] else { return false }
        return header == "*" || header.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
    }

    static func notModified(_ etag: String) -> Response {
        Response(status: .notModified, headers: [.eTag: etag, .cacheControl: cacheControl, .crossOriginResourcePolicy: "cross-origin"])
    }

    /// Catalog images are public: a storefront showing them through the widget may require CORP (COEP).
    static func image(_ data: Data, type: String, etag: String) -> Response {
        Response(status: .ok,
                 headers: [.contentType: type, .eTag: etag, .cacheControl: cacheControl, .contentLength: String(data.count),
                           .crossOriginResourcePolicy: "cross-origin"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A day fresh, then revalidated by ETag.
    static let cacheControl = "public, max-age=86400"
}

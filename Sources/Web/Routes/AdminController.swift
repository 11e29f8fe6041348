import Catalog
import Foundation
import Hummingbird
import Imaging
import Service

/// `POST /api/products` and `DELETE /api/products/{id}`: change the catalog live (store and index
/// together, no restart). Both need the admin key (`AdminKeyMiddleware`); without one configured they are refused.
struct AdminController {
    let app: WebApp

    /// Adds the routes, behind the admin key, to `group` (`/api/products`).
    func addRoutes(to group: RouterGroup<WebContext>) {
        group.add(middleware: AdminKeyMiddleware(live: app.live))
            .post(use: add)
            .delete("{id}", use: remove)
    }

    /// Reads the form (image + id, title, attributes), stores the image by content hash, embeds and indexes it.
    @Sendable func add(_ request: Request, context: WebContext) async throws -> EditedResponse<ProductJSON> {
        guard let type = request.headers[.contentType].flatMap({ MediaType(from: $0) }), type.isType(.multipartForm) else {
            throw APIError.unsupportedMediaType(request.headers[.contentType],
                                                expected: "multipart/form-data with the fields image, id, title and attributes")
        }
        let upload = try await ImageUpload.read(request, limit: app.uploadLimit)
        let form = try NewProductForm(fields: upload.fields)
        guard let folder = app.productImages else {
            throw APIError(.internalServerError, "no_image_folder", "this server has no folder for product images; start it with --db so one is made beside the catalog")
        }
        let id = form.id ?? String(ContentHash.hex(of: upload.data).prefix(16))
        let existed = try await app.service.store.product(id: id) != nil
        let stored = try folder.store(upload.data)
        let product = Product(id: id, title: form.title ?? id, attributes: form.attributes,
                              imagePath: stored.url.path, contentHash: stored.hash)
        let service = app.service
        let image = EncodedImage(data: upload.data, name: upload.displayName)
        do {
            let owned = OwnedImageFolder(directory: folder.directory)
            try await app.onWorkers { try await service.add(product, image: image, images: owned) }
        } catch {
            if stored.created { try? FileManager.default.removeItem(at: stored.url) }
            throw error
        }
        await changed(id)
        let saved = try await app.service.store.product(id: id) ?? product
        return EditedResponse(status: existed ? .ok : .created, headers: [.location: WebPaths.product(id)],
                              response: ProductJSON(saved))
    }

    /// Removes a product from the store and the index: 204, or 404 for an unknown id.
    @Sendable func remove(_ request: Request, context: WebContext) async throws -> Response {
        let id = try context.pathParameter("id")
        let owned = app.productImages.map { OwnedImageFolder(directory: $0.directory) }
        guard try await app.service.remove(ids: [id], images: owned) > 0 else { throw APIError.unknownProduct(id) }
        await changed(id)
        return Response(status: .noContent, headers: [.cacheControl: "no-store"])
    }

    /// After a change: facets, neighbours and the product's thumbnails are stale.
    private func changed(_ id: String) async {
        await app.facets.invalidate()
        app.neighbours.removeAll()
        app.thumbnails.forget(id: id)
    }
}

/// The text fields of `POST /api/products`: `id`, `title`, `attributes` (a JSON object of strings),
/// and any other field taken as one attribute (`-F gender=Women`).
struct NewProductForm {
    var id: String?
    var title: String?
    var attributes: [String: String] = [:]

    init(fields: [(String, String)]) throws {
        for (name, value) in fields {
            switch name {
            case "id":
                let id = value.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !id.isEmpty, id.count <= 200, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw APIError.badParameter("id must be 1 to 200 printable characters")
                }
                self.id = id
            case "title":
                let title = value.trimmingCharacters(in: .whitespacesAndNewlines)
                guard title.count <= 500 else { throw APIError.badParameter("title must be at most 500 characters") }
                self.title = title.isEmpty ? nil : title
            case "attributes":
                guard let data = value.data(using: .utf8),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw APIError.badParameter(#"attributes must be a JSON object of strings, e.g. {"gender": "Women", "baseColour": "Red"}"#)
                }
                for (key, value) in object {
                    guard let text = value as? String ?? (value as? NSNumber).map({ "\($0)" }) else {
                        throw APIError.badParameter("attribute '\(key)' must be a string")
                    }
                    try set(key, text)
                }
            case "image", "k", "filter", "crop":
                continue
            default:
                try set(name, value)
            }
        }
    }

    private mutating func set(_ key: String, _ value: String) throws {
        let allowed = key.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0) }
        guard !key.isEmpty, key.count <= 64, allowed else {
            throw APIError.badParameter("attribute name '\(key.prefix(64))' must be 1 to 64 letters, digits, '_', '-' or '.'")
        }
        let value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= 200 else { throw APIError.badParameter("attribute '\(key)' must be at most 200 characters") }
        if !value.isEmpty { attributes[key] = value }
    }
}

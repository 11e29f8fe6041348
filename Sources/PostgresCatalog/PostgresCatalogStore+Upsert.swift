import Catalog
import Foundation
import PostgresNIO

extension PostgresCatalogStore {
    /// Writes the batch (products, attributes, additional images, vectors) in one transaction; any invalid item
    /// rolls back all of it. The first vector of a model key fixes its dimension and creates its HNSW index.
    public func upsert(_ items: [UpsertItem], modelKey: String) async throws {
        guard !items.isEmpty else { return }
        let logger = self.logger
        let model = try await transaction("storing \(items.count) products") { connection -> StoredModel in
            let existing = try await Self.lockModel(modelKey, connection, logger)
            // Same checks, in the same order, as the SQLite store.
            let dimension = try CatalogValidation.validate(items, modelKey: modelKey,
                                                           storedDimension: existing?.hasVectors == true ? existing?.model.dimension : nil)
            let model = try await Self.prepareModel(modelKey, dimension: dimension ?? items[0].vector.count,
                                                    existing: existing?.model, connection, logger)
            let unique = Self.lastOfEachID(items)
            try await Self.writeProducts(unique.map(\.product), connection, logger)
            let ids = unique.map(\.product.id)
            let hasHash = unique.map { $0.product.contentHash != nil }
            let hashes = unique.map { $0.product.contentHash ?? "" }
            let attributes = unique.map { Self.json($0.product.attributes) }
            // All vectors travel as one binary real[]; row n is the slice [(n-1)·d+1, n·d].
            let d = model.dimension
            let flat = unique.flatMap(\.vector)
            try await connection.rows(PostgresQuery(unsafeSQL: """
                INSERT INTO vectors (product_id, model_id, content_hash, attributes, embedding)
                SELECT u.id, \(model.id), CASE WHEN u.has_hash THEN u.hash END, u.attributes::jsonb,
                       ($5::real[])[(u.n - 1) * \(d) + 1 : u.n * \(d)]::halfvec
                FROM unnest($1::text[], $2::bool[], $3::text[], $4::text[]) WITH ORDINALITY
                    AS u(id, has_hash, hash, attributes, n)
                ON CONFLICT (product_id, model_id, position) DO UPDATE SET
                    content_hash = excluded.content_hash, attributes = excluded.attributes, embedding = excluded.embedding
                """, binds: try Self.binds(ids, hasHash, hashes, attributes, flat)), logger)
            try await Self.writeImageVectors(unique.filter { $0.imageVectors != nil }, model: model, connection, logger)
            return model
        }
        models.set(modelKey, model)
    }

    /// Inserts or updates products and their attributes without touching any vector, in one transaction.
    ///
    /// For re-imports: an item whose image is unchanged still gets its new title and attributes.
    public func upsertProducts(_ products: [Product]) async throws {
        guard !products.isEmpty else { return }
        let logger = self.logger
        try await transaction("storing \(products.count) products") { connection in
            for product in products {
                try CatalogValidation.validate(product)
                try CatalogValidation.validateImages(of: UpsertItem(product: product, vector: []), dimension: 0, modelKey: "")
            }
            try await Self.writeProducts(Self.lastOfEachID(products.map { UpsertItem(product: $0, vector: []) }).map(\.product),
                                         connection, logger)
        }
    }

    /// Upserts products (keeping `created_at` of existing rows), replaces their attributes and refreshes
    /// the attribute copy on their vectors. `products` must not repeat an id.
    static func writeProducts(_ products: [Product], _ connection: PostgresConnection, _ logger: Logger) async throws {
        let ids = products.map(\.id)
        try await connection.rows(PostgresQuery(unsafeSQL: """
            INSERT INTO products (id, title, image_path, content_hash, created_at, updated_at)
            SELECT u.id, u.title, CASE WHEN u.has_path THEN u.path END, CASE WHEN u.has_hash THEN u.hash END,
                   to_timestamp(u.created), to_timestamp(u.updated)
            FROM unnest($1::text[], $2::text[], $3::bool[], $4::text[], $5::bool[], $6::text[], $7::float8[], $8::float8[])
                AS u(id, title, has_path, path, has_hash, hash, created, updated)
            ON CONFLICT (id) DO UPDATE SET
                title = excluded.title, image_path = excluded.image_path,
                content_hash = excluded.content_hash, updated_at = excluded.updated_at
            """, binds: try binds(ids, products.map(\.title), products.map { $0.imagePath != nil }, products.map { $0.imagePath ?? "" },
                                  products.map { $0.contentHash != nil }, products.map { $0.contentHash ?? "" },
                                  products.map(\.createdAt.timeIntervalSince1970), products.map(\.updatedAt.timeIntervalSince1970))),
            logger)
        try await connection.rows("DELETE FROM product_attributes WHERE product_id = ANY(\(ids)::text[])", logger)
        var owners: [String] = [], keys: [String] = [], values: [String] = []
        for product in products {
            for (key, value) in product.attributes where !key.isEmpty && !value.isEmpty {
                owners.append(product.id)
                keys.append(key)
                values.append(value)
            }
        }
        if !owners.isEmpty {
            try await connection.rows("""
                INSERT INTO product_attributes (product_id, key, value)
                SELECT * FROM unnest(\(owners)::text[], \(keys)::text[], \(values)::text[])
                """, logger)
        }
        try await writeImages(products, connection, logger)
        try await connection.rows("""
            UPDATE vectors v SET attributes = u.attributes::jsonb
            FROM unnest(\(ids)::text[], \(products.map { json($0.attributes) })::text[]) AS u(id, attributes)
            WHERE v.product_id = u.id
            """, logger)
    }

    /// Replaces the products' additional images, then deletes the vectors (of any model) of images a product no
    /// longer has or whose content changed.
    static func writeImages(_ products: [Product], _ connection: PostgresConnection, _ logger: Logger) async throws {
        let ids = products.map(\.id)
        try await connection.rows("DELETE FROM product_images WHERE product_id = ANY(\(ids)::text[])", logger)
        let photos = products.flatMap { product in product.images.map { (product.id, $0) } }
        if !photos.isEmpty {
            try await connection.rows(PostgresQuery(unsafeSQL: """
                INSERT INTO product_images (product_id, position, image_path, content_hash)
                SELECT u.id, u.position, CASE WHEN u.has_path THEN u.path END, CASE WHEN u.has_hash THEN u.hash END
                FROM unnest($1::text[], $2::int8[], $3::bool[], $4::text[], $5::bool[], $6::text[])
                    AS u(id, position, has_path, path, has_hash, hash)
                """, binds: try binds(photos.map { $0.0 }, photos.map { Int64($0.1.position) },
                                      photos.map { $0.1.imagePath != nil }, photos.map { $0.1.imagePath ?? "" },
                                      photos.map { $0.1.contentHash != nil }, photos.map { $0.1.contentHash ?? "" })), logger)
        }
        try await connection.rows("""
            DELETE FROM vectors v WHERE v.product_id = ANY(\(ids)::text[]) AND v.position > 0 AND NOT EXISTS (
                SELECT 1 FROM product_images p WHERE p.product_id = v.product_id AND p.position = v.position
                AND p.content_hash IS NOT DISTINCT FROM v.content_hash)
            """, logger)
    }

    /// Replaces the vectors of `model` of the items' additional images (`UpsertItem.imageVectors`, one per image).
    static func writeImageVectors(_ items: [UpsertItem], model: StoredModel, _ connection: PostgresConnection,
                                  _ logger: Logger) async throws {
        guard !items.isEmpty else { return }
        try await connection.rows("""
            DELETE FROM vectors WHERE model_id = \(model.id) AND position > 0 AND product_id = ANY(\(items.map(\.product.id))::text[])
            """, logger)
        var ids: [String] = [], positions: [Int64] = [], hasHash: [Bool] = [], hashes: [String] = [], attributes: [String] = []
        var flat: [Float] = []
        for item in items {
            let json = Self.json(item.product.attributes)
            for (photo, vector) in zip(item.product.images, item.imageVectors ?? []) {
                ids.append(item.product.id)
                positions.append(Int64(photo.position))
                hasHash.append(photo.contentHash != nil)
                hashes.append(photo.contentHash ?? "")
                attributes.append(json)
                flat.append(contentsOf: vector)
            }
        }
        guard !ids.isEmpty else { return }
        let d = model.dimension
        try await connection.rows(PostgresQuery(unsafeSQL: """
            INSERT INTO vectors (product_id, model_id, position, content_hash, attributes, embedding)
            SELECT u.id, \(model.id), u.position, CASE WHEN u.has_hash THEN u.hash END, u.attributes::jsonb,
                   ($6::real[])[(u.n - 1) * \(d) + 1 : u.n * \(d)]::halfvec
            FROM unnest($1::text[], $2::int8[], $3::bool[], $4::text[], $5::text[]) WITH ORDINALITY
                AS u(id, position, has_hash, hash, attributes, n)
            """, binds: try binds(ids, positions, hasHash, hashes, attributes, flat)), logger)
    }

    /// The model row of `modelKey`, locked for this transaction, and whether it has vectors.
    static func lockModel(_ modelKey: String, _ connection: PostgresConnection,
                          _ logger: Logger) async throws -> (model: StoredModel, hasVectors: Bool)? {
        let rows = try await connection.rows("""
            SELECT m.id, m.dimension, EXISTS (SELECT 1 FROM vectors v WHERE v.model_id = m.id)
            FROM models m WHERE m.model_key = \(modelKey) FOR UPDATE
            """, logger)
        guard let row = rows.first else { return nil }
        let (id, dimension, hasVectors) = try row.decode((Int, Int, Bool).self)
        return (StoredModel(id: id, dimension: dimension), hasVectors)
    }

    /// Creates the model row and its HNSW index, or changes the dimension of a model that has no vectors left.
    static func prepareModel(_ modelKey: String, dimension: Int, existing: StoredModel?,
                             _ connection: PostgresConnection, _ logger: Logger) async throws -> StoredModel {
        if let existing, existing.dimension == dimension { return existing }
        var model: StoredModel
        if let existing {
            try await connection.rows("UPDATE models SET dimension = \(dimension) WHERE id = \(existing.id)", logger)
            try await connection.rows(PostgresQuery(unsafeSQL: "DROP INDEX IF EXISTS \(existing.indexName)"), logger)
            model = StoredModel(id: existing.id, dimension: dimension)
        } else {
            // ON CONFLICT: another process may have created it since we looked; then use (and lock) theirs.
            let rows = try await connection.rows("""
                INSERT INTO models (model_key, dimension) VALUES (\(modelKey), \(dimension))
                ON CONFLICT (model_key) DO UPDATE SET model_key = excluded.model_key
                RETURNING id, dimension
                """, logger)
            guard let row = rows.first else {
                throw CatalogStoreError.database(operation: "registering model \(modelKey)", reason: "no row returned")
            }
            let (id, stored) = try row.decode((Int, Int).self)
            model = StoredModel(id: id, dimension: stored)
            if stored != dimension {
                throw CatalogStoreError.dimensionMismatch(id: "", modelKey: modelKey, expected: stored, found: dimension)
            }
        }
        // pgvector indexes halfvec up to 4,000 dimensions; larger models are searched exactly.
        if model.dimension <= 4000 {
            try await connection.rows(PostgresQuery(unsafeSQL: """
                CREATE INDEX IF NOT EXISTS \(model.indexName) ON vectors
                USING hnsw ((embedding::halfvec(\(model.dimension))) halfvec_cosine_ops) WHERE model_id = \(model.id)
                """), logger)
        }
        return model
    }

    /// Items with repeated ids reduced to the last one of each (as sequential upserts would leave them), in first-seen order.
    static func lastOfEachID(_ items: [UpsertItem]) -> [UpsertItem] {
        var position: [String: Int] = [:]
        var unique: [UpsertItem] = []
        for item in items {
            if let index = position[item.product.id] {
                unique[index] = item
            } else {
                position[item.product.id] = unique.count
                unique.append(item)
            }
        }
        return unique
    }

    /// Attributes as a JSON object (empty keys and values left out, as in product_attributes).
    static func json(_ attributes: [String: String]) -> String {
        let kept = attributes.filter { !$0.key.isEmpty && !$0.value.isEmpty }
        guard let data = try? JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]),
              let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }

    /// Bindings for `$1…$n`, in order.
    static func binds(_ values: any PostgresEncodable...) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { try bindings.append(value) }
        return bindings
    }
}

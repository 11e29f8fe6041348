import Catalog
import PostgresNIO

extension PostgresCatalogStore {
    /// The schema as named, append-only migrations (never edit one that has shipped; add a new one).
    /// The v1 names match the SQLite store's; later ones (indexes, storage) belong to this backend only.
    static let migrations: [(identifier: String, statements: [String])] = [
        ("v1-catalog", [
            """
            CREATE TABLE products (
                id text PRIMARY KEY,
                title text NOT NULL,
                image_path text,
                content_hash text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE product_attributes (
                product_id text NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                key text NOT NULL,
                value text NOT NULL,
                PRIMARY KEY (product_id, key)
            )
            """,
            "CREATE INDEX product_attributes_key_value ON product_attributes (key, value)",
            // One row per model key; its id names the model's partial HNSW index.
            """
            CREATE TABLE models (
                id serial PRIMARY KEY,
                model_key text NOT NULL UNIQUE,
                dimension integer NOT NULL CHECK (dimension > 0)
            )
            """,
            // attributes: a copy of the product's attributes, so filters run on the table the index scans.
            """
            CREATE TABLE vectors (
                product_id text NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                model_id integer NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                content_hash text,
                attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
                embedding halfvec NOT NULL,
                PRIMARY KEY (product_id, model_id)
            )
            """,
            "CREATE INDEX vectors_model ON vectors (model_id, product_id)",
        ]),
        ("v1-import-runs", [
            """
            CREATE TABLE import_runs (
                id bigserial PRIMARY KEY,
                source text NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz,
                status text NOT NULL,
                indexed integer NOT NULL DEFAULT 0,
                unchanged integer NOT NULL DEFAULT 0,
                failed integer NOT NULL DEFAULT 0,
                removed integer NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE import_failures (
                id bigserial PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
                item text NOT NULL,
                reason text NOT NULL
            )
            """,
            "CREATE INDEX import_failures_run ON import_failures (run_id, id)",
        ]),
        ("v1-settings", [
            """
            CREATE TABLE settings (
                key text PRIMARY KEY,
                value bytea NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
        ]),
        // Filtered searches: a narrow filter finds its rows through the GIN index and scans them exactly;
        // vectors stay in the row (no TOAST lookup per row) while the row fits a page (halfvec up to ~4000 dims).
        ("v2-vector-filters", [
            "CREATE INDEX vectors_attributes ON vectors USING gin (attributes jsonb_path_ops)",
            "ALTER TABLE vectors SET (toast_tuple_target = 8160)",
        ]),
        // Products with several images: the additional images (position 1, 2, …; the primary image stays
        // in products), and their vectors as rows of `vectors` with their position (0: the primary image),
        // so one HNSW walk per model searches every image.
        ("v3-product-images", [
            """
            CREATE TABLE product_images (
                product_id text NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                position integer NOT NULL CHECK (position > 0),
                image_path text,
                content_hash text,
                PRIMARY KEY (product_id, position)
            )
            """,
            "ALTER TABLE vectors ADD COLUMN position integer NOT NULL DEFAULT 0",
            "ALTER TABLE vectors DROP CONSTRAINT vectors_pkey",
            "ALTER TABLE vectors ADD PRIMARY KEY (product_id, model_id, position)",
        ]),
    ]

    /// Creates the pgvector extension if needed and applies the migrations not yet recorded in
    /// `schema_migrations`, in one transaction under an advisory lock (several servers may start at once).
    func migrate() async throws {
        let logger = self.logger
        let url = self.url
        try await transaction("preparing the catalog schema") { connection in
            try await connection.rows("SELECT pg_advisory_xact_lock(7306508771911360512)", logger)
            if let schema = url.schema {  // validated by PostgresURL: a-z, 0-9, _
                try await connection.rows(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger)
            }
            let hasVector = try await connection.rows("SELECT 1 FROM pg_extension WHERE extname = 'vector'", logger)
            if hasVector.isEmpty {
                do {
                    try await connection.rows("CREATE EXTENSION IF NOT EXISTS vector", logger)
                } catch {
                    throw PostgresStoreError.missingVectorExtension(url: url.description, reason: postgresReason(error))
                }
            }
            try await connection.rows("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    identifier text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger)
            var applied = Set<String>()
            for row in try await connection.rows("SELECT identifier FROM schema_migrations", logger) {
                applied.insert(try row.decode(String.self))
            }
            let known = Set(Self.migrations.map(\.identifier))
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty {
                throw CatalogStoreError.schemaTooNew(path: url.description, unknownMigrations: unknown.sorted())
            }
            for migration in Self.migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    try await connection.rows(PostgresQuery(unsafeSQL: statement), logger)
                }
                try await connection.rows("INSERT INTO schema_migrations (identifier) VALUES (\(migration.identifier))", logger)
            }
        }
    }

    /// The identifiers recorded in `schema_migrations`, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await read("reading the schema version", "SELECT identifier FROM schema_migrations ORDER BY applied_at, identifier")
            .map { try $0.decode(String.self) }
    }
}

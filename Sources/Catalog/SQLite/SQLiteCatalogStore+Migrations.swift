import GRDB

extension SQLiteCatalogStore {
    /// The schema, as named append-only migrations: never edit one that has shipped, add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalog") { db in
            try db.execute(sql: """
                CREATE TABLE products (
                    id TEXT PRIMARY KEY NOT NULL,
                    title TEXT NOT NULL,
                    image_path TEXT,
                    content_hash TEXT,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE product_attributes (
                    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (product_id, key)
                ) WITHOUT ROWID;
                CREATE INDEX product_attributes_key_value ON product_attributes(key, value);
                CREATE TABLE vectors (
                    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                    model_key TEXT NOT NULL,
                    dimension INTEGER NOT NULL,
                    content_hash TEXT,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (product_id, model_key)
                );
                CREATE INDEX vectors_model_key ON vectors(model_key, product_id);
                """)
        }
        migrator.registerMigration("v1-import-runs") { db in
            try db.execute(sql: """
                CREATE TABLE import_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    source TEXT NOT NULL,
                    started_at DATETIME NOT NULL,
                    finished_at DATETIME,
                    status TEXT NOT NULL,
                    indexed INTEGER NOT NULL DEFAULT 0,
                    unchanged INTEGER NOT NULL DEFAULT 0,
                    failed INTEGER NOT NULL DEFAULT 0,
                    removed INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE import_failures (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    run_id INTEGER NOT NULL REFERENCES import_runs(id) ON DELETE CASCADE,
                    item TEXT NOT NULL,
                    reason TEXT NOT NULL
                );
                CREATE INDEX import_failures_run ON import_failures(run_id);
                """)
        }
        migrator.registerMigration("v1-settings") { db in
            try db.execute(sql: """
                CREATE TABLE settings (
                    key TEXT PRIMARY KEY NOT NULL,
                    value BLOB NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-item-signatures") { db in
            // Item signatures get a table of their own; a catalog that holds them among the vectors under
            // the key `item-signature/grey32@1` has them moved here.
            try db.execute(sql: """
                CREATE TABLE item_signatures (
                    product_id TEXT PRIMARY KEY NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                    content_hash TEXT,
                    dimension INTEGER NOT NULL,
                    signature BLOB NOT NULL
                );
                INSERT INTO item_signatures (product_id, content_hash, dimension, signature)
                    SELECT product_id, content_hash, dimension, vector FROM vectors WHERE model_key = 'item-signature/grey32@1';
                DELETE FROM vectors WHERE model_key = 'item-signature/grey32@1';
                """)
        }
        migrator.registerMigration("v3-product-images") { db in
            // A product's additional images (position 1, 2, …; the primary image stays in products), and
            // their vectors per model key, searched beside the primary images' vectors.
            try db.execute(sql: """
                CREATE TABLE product_images (
                    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    image_path TEXT,
                    content_hash TEXT,
                    PRIMARY KEY (product_id, position)
                ) WITHOUT ROWID;
                CREATE TABLE image_vectors (
                    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    model_key TEXT NOT NULL,
                    dimension INTEGER NOT NULL,
                    content_hash TEXT,
                    vector BLOB NOT NULL,
                    PRIMARY KEY (product_id, model_key, position)
                );
                CREATE INDEX image_vectors_model_key ON image_vectors(model_key, product_id, position);
                """)
        }
        return migrator
    }
}

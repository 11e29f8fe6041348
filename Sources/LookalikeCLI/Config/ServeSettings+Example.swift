extension ServeSettings {
    /// A configuration file with every key at its default (`lookalike config example`). Keys marked
    /// "reloads" take effect on SIGHUP; the others at the next start.
    static let exampleFile = """
        # lookalike.yaml: the settings of `lookalike serve`, each at its default.
        # A flag on the command line wins over the environment (LOOKALIKE_<SECTION>_<KEY>, e.g.
        # LOOKALIKE_ADMIN_KEY), which wins over this file. `lookalike config check` prints what is in force.
        server:
          host: 127.0.0.1          # 0.0.0.0 listens on every interface
          port: 8080
          shop_name: Lookalike     # reloads
          log_format: text         # text or json
        catalog:
          db: lookalike.db         # a SQLite file or postgres://user@host/db (password: LOOKALIKE_CATALOG_DB)
          # images: lookalike-images
          # read_db: postgres://user@replica/db
          create: false            # create a missing SQLite catalog, to fill it through the API
        model:
          name: efficientnet-lite0
          precision: auto          # f32, bf16, int8 or auto
          threads: 0               # 0 = every core
        search:
          storage: int8            # int8, f16 or f32
          index: auto              # exact, hnsw or auto
          batch: 16
          batch_window_ms: 0
        uploads:
          max_upload_mb: 20
          max_megapixels: 50
          # keep_uploads: /var/lib/lookalike/uploads
        limits:
          idle_timeout: 30         # seconds; 0 = none
          head_timeout: 10
          body_timeout: 60
          request_timeout: 30      # reloads
          max_connections: 512
        rate_limit:
          per_second: 10           # reloads; 0 = off
          burst: 20                # reloads
        cors:
          origins: []              # reloads; e.g. [https://shop.example]
        admin:
          # key: set LOOKALIKE_ADMIN_KEY in the environment instead (reloads)
        sync:
          # source: https://shop.example/feed.xml   # keep the catalog in step with this feed
          every: 1h
        """
}

import ArgumentParser
import Catalog
import Dispatch
import Foundation
import Search
import Service

/// `lookalike index SOURCE`: imports a catalog, incrementally and resumably.
struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Import a catalog: a folder of images, a Kaggle 'Fashion Product Images' folder (images/ + styles.csv), "
            + "a CSV/JSONL manifest (id, image, metadata…), a product feed (Google Merchant Center XML/TSV/CSV, Shopify or "
            + "WooCommerce product CSV export), or fashion-mnist:train|test|all.",
        discussion: "Unchanged images are skipped; changed ones re-embedded; --prune removes products the source no longer lists. "
            + "Ctrl-C stops after the batch in flight; run the same command again to finish.")

    @Argument(help: "The catalog to import: a path, or an http(s) URL of a product feed. Images given by URL are downloaded into the catalog's image folder (--images).")
    var source: String

    @Option(help: ArgumentHelp("Read the source as this format instead of detecting it from the content.", valueName: "format"))
    var format: SourceFormat?

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Remove stored products that the source no longer lists.")
    var prune = false

    @Option(help: "Images per model call and per stored transaction.")
    var batch = 32

    @Option(help: "Import at most this many items (a trial run).")
    var limit: Int?

    @Flag(help: "Also store each product's exact-item signature (a 32 × 32 grey outline, 1,024 values), so photo queries can add `verify` (e.g. cleanup standard+verify). SQLite catalogs.")
    var itemSignatures = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Bring the HNSW graph (catalog.db → catalog.hnsw) up to date after the import: hnsw always, auto from \(VectorIndexKind.autoThreshold) products or when the file exists, exact never.", valueName: "kind"))
    var index: VectorIndexKind = .auto

    func run() async throws {
        guard batch > 0, batch <= 256 else { throw ValidationError("--batch must be 1…256") }
        guard !(itemSignatures && catalog.isPostgres) else {
            throw ValidationError("--item-signatures needs a SQLite catalog (verification scores the products in memory)")
        }
        let stop = StopFlag()
        let signals = SignalWatcher.stoppingAfterBatch(stop)
        defer { signals.cancel() }
        var remoteFeed: RemoteSourceFile?
        if RemoteSourceFile.isURL(source), let url = URL(string: source) {
            printError("downloading \(url.absoluteString)…")
            do {
                remoteFeed = try await RemoteSourceFile.download(url)
            } catch {
                throw ValidationError("cannot download the catalog \(url.absoluteString): \(error)")
            }
        }
        defer { remoteFeed?.remove() }
        var catalogSource = try Catalog.source(for: remoteFeed?.file.path ?? source, format: format)
        if let remoteFeed { catalogSource = RenamedSource(inner: catalogSource, url: remoteFeed.url) }
        let store = try await catalog.open(create: true)
        let embedder = try modelOptions.load()
        var options = ImportOptions()
        options.batchSize = batch
        options.prune = prune
        options.limit = limit
        options.itemSignatures = itemSignatures
        options.assetsDirectory = catalog.assetsDirectory
        let bar = ProgressBar()
        printError("importing \(catalogSource.description) into \(catalog.displayName) with \(embedder.manifest.name) (\(embedder.precisionLabel), \(embedder.descriptorSummary))")
        let summary = try await ImportPipeline(store: store, embedder: embedder, options: options)
            .run(source: catalogSource, progress: bar, stop: stop)
        bar.finish()
        if json {
            try JSONOutput.line(summary)
        } else {
            print(Self.describe(summary))
        }
        if summary.interrupted { throw ExitCode(130) }
        try await updateGraph(store: store, modelKey: embedder.modelKey)
        let started = Date()
        if let tuning = try await CatalogTuning.refitIfStale(store: store, modelKey: embedder.modelKey) {
            printError(String(format: "lookalike: the catalog changed a lot since `lookalike tune`: re-tuned on %d products by '%@' in %.1f s",
                              tuning.fittedCount, tuning.label, Date().timeIntervalSince(started)))
        }
    }

    /// Updates (or first builds) the HNSW graph beside the catalog, so `search` and `serve` start fast.
    func updateGraph(store: any CatalogStore, modelKey: String) async throws {
        guard index != .exact, let graphFile = catalog.hnswFile else { return }  // PostgreSQL indexes in the database
        let exists = FileManager.default.fileExists(atPath: graphFile.path)
        let count = try await store.count()
        guard index == .hnsw || exists || index.resolved(rows: count) == .hnsw else { return }
        let table = try await InMemoryBackend.rows(of: store, modelKey: modelKey).table
        _ = CatalogIndex(table: table, kind: .hnsw, hnswFile: graphFile, log: { printError("lookalike: \($0)") })
    }

    static func describe(_ s: ImportSummary) -> String {
        var lines = [
            "\(s.interrupted ? "interrupted" : "done") in \(ProgressBar.duration(s.seconds)): "
                + "\(s.indexed) indexed, \(s.unchanged) unchanged, \(s.failed) failed, \(s.removed) removed"
                + (s.imagesEmbedded != s.indexed ? "; \(s.imagesEmbedded) images embedded" : "")
                + String(format: " (%.1f images/s)", s.imagesPerSecond),
        ]
        let d = s.downloads
        if d.downloaded + d.notModified + d.failed > 0 {
            lines.append("images by URL: \(d.downloaded) downloaded (\(ByteCountFormatter.string(fromByteCount: Int64(d.bytes), countStyle: .file))), "
                + "\(d.notModified) not modified, \(d.failed) failed" + (d.retried > 0 ? ", \(d.retried) retries" : ""))
        }
        if !s.failures.isEmpty {
            lines.append("failures (first \(s.failures.count); all are stored with import run \(s.runID)):")
            lines += s.failures.map { "  \($0)" }
        }
        if s.interrupted { lines.append("run the same command again to finish the import") }
        return lines.joined(separator: "\n")
    }
}

extension SourceFormat: ExpressibleByArgument {}

/// A source read from a downloaded copy, described by the URL it came from (for messages and import runs).
struct RenamedSource: CatalogSource {
    let inner: any CatalogSource
    let url: URL

    var description: String { url.absoluteString }

    func items() throws -> AnySequence<SourceEntry> { try inner.items() }
}

import ArgumentParser
import Catalog
import Embedding
import Foundation
import Imaging
import Search
import Service

/// `lookalike eval`: retrieval quality on a labelled catalog.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Retrieval quality: P@1, P@5, P@10 and mAP@100, where relevant = same value of --label.",
        discussion: "Queries come from --queries (another source or split, e.g. fashion-mnist:test) or, without it, "
            + "from the catalog itself, each item against all the others (leave-one-out).")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Query source (same forms as `index`), e.g. fashion-mnist:test. Default: leave-one-out.")
    var queries: String?

    @Option(help: "Label field that decides relevance.")
    var label = "articleType"

    @Option(name: .customLong("query-db"), help: ArgumentHelp(
        "Take the queries from another catalog's stored vectors (indexed with the same --model/--pool/--layers, e.g. from fashion-mnist:test) instead of embedding --queries: for sweeps of search options. With --limit, the first N ids in text order.",
        valueName: "file-or-url"))
    var queryDB: String?

    @Option(help: "Use at most this many queries.")
    var limit: Int?

    @Option(help: "Score: cosine or euclidean.")
    var metric: VectorMetric = .cosine

    @Option(help: "Vector storage for the search: f32, f16 or int8.")
    var storage: VectorStorage = .float32

    @Option(help: "Vectors compared: raw (the model's) or tuned (`lookalike tune`).")
    var space: SimilaritySpace = .raw

    @Option(name: .customLong("qe"), help: "α query expansion over this many first results (0 = off).")
    var expansionDepth = 0

    @Option(name: .customLong("qe-alpha"), help: "Exponent of the query expansion weights.")
    var expansionAlpha: Float = 3

    @Option(help: "Re-rank the first 100 results by the --label values of this many first ones (0 = off; label consensus, the catalog's labels only).")
    var consensus = 0

    @Option(name: .customLong("consensus-weight"), help: "What a full vote adds to a cosine similarity.")
    var consensusWeight: Float = 1

    @Option(name: .customLong("pca-whiten"), help: "PCA-whiten to this many dimensions, learned from the catalog's vectors (no labels), both sides (0 = off; raw space only).")
    var pcaWhiten = 0

    @Flag(help: "Flip test-time augmentation of --queries: each query is the mean of the image's and its mirror image's vectors.")
    var flip = false

    @Option(help: ArgumentHelp("A shopper-photo set (folder with manifest.csv, from `make shopper-photos`): report exact-item recall@1/@10 and category P@10 of its photos instead.", valueName: "folder"))
    var shopper: String?

    @Option(help: "Query cleanup of shopper photos: none, grey, standard (item+crop), or views joined by '+' (crop, item, salient); add +verify for exact-item verification (catalog indexed with --item-signatures). Repeat to compare several side by side.")
    var cleanup: [String] = ["standard"]

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let embedder = try modelOptions.load()
        let store = try await catalog.open()
        let table = try await store.loadVectors(modelKey: embedder.modelKey)
        guard table.count > 0 else {
            throw ValidationError("the catalog \(catalog.displayName) has no vectors for \(embedder.modelKey); index it with the same --model/--pool/--layers first")
        }
        guard expansionDepth >= 0, expansionAlpha >= 0 else { throw ValidationError("--qe and --qe-alpha must be 0 or more") }
        guard consensus >= 0, consensus <= 100 else { throw ValidationError("--consensus must be between 0 and 100") }
        guard limit.map({ $0 >= 1 }) ?? true else { throw ValidationError("--limit must be 1 or more") }
        guard pcaWhiten >= 0 else { throw ValidationError("--pca-whiten must be 0 (off) or a number of dimensions") }
        if queryDB != nil {
            guard queries == nil else { throw ValidationError("give --queries or --query-db, not both") }
            guard shopper == nil else { throw ValidationError("--query-db does not apply to --shopper (its queries are the photos)") }
            guard !flip else { throw ValidationError("--flip needs query images; --query-db reads stored vectors") }
        }
        var tuning: TunedSimilarity?
        if space == .tuned {
            guard let stored = try await CatalogTuning.stored(in: store, modelKey: embedder.modelKey, dimension: table.dimension) else {
                throw ValidationError("the catalog has no tuning for \(embedder.modelKey); run `lookalike tune --label \(label)` first")
            }
            tuning = stored
        }
        var projection: (any VectorProjection)? = tuning
        if pcaWhiten > 0 {
            guard space == .raw else { throw ValidationError("--pca-whiten applies to the raw space; leave out --space tuned") }
            let started = Date(), kept = min(pcaWhiten, table.dimension)
            do {
                projection = try PCAWhitening(vectors: table.vectors, count: table.count, dimension: table.dimension, dimensions: kept)
            } catch let error as TuningError {
                throw ValidationError(error.description)
            }
            printError(String(format: "lookalike: PCA-whitening %d → %d learned from %d catalog vectors in %.1f s",
                              table.dimension, kept, table.count, Date().timeIntervalSince(started)))
        }
        if let shopper {
            // The shopper evaluation projects the catalog itself (it needs the raw vectors too).
            try await runShopper(folder: shopper, store: store, embedder: embedder, table: table, projection: projection)
            return
        }
        var queryVectors: SourceVectors?
        var embedSeconds = 0.0
        if let queryDB {
            var options = catalog
            options.db = queryDB
            // Reading must not create or migrate anything: a mistyped path is an error, not a new empty catalog.
            if !options.isPostgres, !FileManager.default.fileExists(atPath: queryDB) {
                throw ValidationError("--query-db \(queryDB) does not exist")
            }
            let stored = try await options.open().loadVectors(modelKey: embedder.modelKey)
            guard stored.count > 0 else {
                throw ValidationError("\(options.displayName) has no vectors for \(embedder.modelKey); index it with the same --model/--pool/--layers")
            }
            let n = min(stored.count, limit ?? stored.count)
            queryVectors = SourceVectors(ids: Array(stored.ids.prefix(n)), attributes: Array(stored.attributes.prefix(n)),
                                         vectors: Array(stored.vectors.prefix(n * stored.dimension)), failures: [])
        }
        if let queries {
            let started = Date()
            queryVectors = try SourceVectors.embed(Catalog.source(for: queries), with: embedder, limit: limit, flip: flip)
            embedSeconds = Date().timeIntervalSince(started)
            if let failures = queryVectors?.failures, !failures.isEmpty { printError("\(failures.count) queries failed, e.g. \(failures[0])") }
        }
        if let projection, let raw = queryVectors {
            queryVectors?.vectors = projection.project(rows: raw.vectors, count: raw.ids.count)
        }
        let expansion = expansionDepth > 0 ? QueryExpansion(depth: expansionDepth, alpha: expansionAlpha) : nil
        let labelConsensus = consensus > 0 ? LabelConsensus(label: label, neighbours: consensus, weight: consensusWeight) : nil
        let report = RetrievalEvaluation.run(catalog: projection.map { $0.projected(table) } ?? table, queries: queryVectors, label: label, metric: metric, storage: storage,
                                             expansion: expansion, consensus: labelConsensus)
        var method = "\(embedder.manifest.name) \(embedder.pooling)\(embedder.layerSuffix) \(metric.rawValue) \(embedder.precision.rawValue)"
        if let tuning { method += " tuned(\(tuning.label), \(tuning.outputDimension)-d)" }
        if pcaWhiten > 0, let projection { method += " PCA-whitened(\(projection.outputDimension)-d)" }
        if let expansion { method += " αQE(\(expansion.depth), α=\(expansion.alpha))" }
        if let labelConsensus { method += " consensus(\(labelConsensus.neighbours), w=\(labelConsensus.weight))" }
        if flip { method += " flip-TTA" }
        if json {
            try JSONOutput.line(EvalLine(method: method, report: report, embed_s: embedSeconds))
        } else {
            let m = report.metrics
            print("method     \(method)")
            print("catalog    \(report.catalog) items, queries \(report.queries) (\(queries ?? queryDB.map { "stored in \($0)" } ?? "leave-one-out")), relevant = same \(label)")
            print(String(format: "P@1 %.4f   P@5 %.4f   P@10 %.4f   mAP@100 %.4f   (mAP@100 over the relevant results found: %.4f)",
                         m.precisionAt1, m.precisionAt5, m.precisionAt10, m.averagePrecision, m.averagePrecisionOfHits))
            print(String(format: "search     %.0f queries/s%@", report.queriesPerSecond,
                         embedSeconds > 0 ? String(format: "; queries embedded in %.1f s", embedSeconds) as NSString : "" as NSString))
        }
    }
}

extension EvalCommand {
    /// `eval --shopper`: exact-item recall of generated shopper photos against the catalog.
    /// `table` holds the catalog's raw vectors; with a `projection` (tuning, PCA-whitening), the evaluation projects them and the queries.
    func runShopper(folder: String, store: any CatalogStore, embedder: Embedder, table: VectorTable, projection: (any VectorProjection)?) async throws {
        let cleanups = try cleanup.map { try PhotoCleanup(parsing: $0) }
        let look = try await CatalogLook.sample(store: store, ids: table.ids, embedder: embedder)
        var set = try ShopperPhotos(folder: URL(fileURLWithPath: folder), label: label)
        if let limit { set.photos = Array(set.photos.prefix(limit)) }
        var verification: ItemVerification?
        if cleanups.contains(where: \.verify) {
            guard projection == nil else { throw ValidationError("+verify ranks raw vectors; leave out --space tuned and --pca-whiten") }
            guard let loaded = try await ItemVerification.load(store: store, catalog: table) else {
                throw ValidationError("the catalog has no item signatures; run `lookalike index --item-signatures` on it first")
            }
            verification = loaded
        }
        let methods = cleanups.map { cleanup in
            ShopperEvaluation.Method(name: "\(cleanup)", query: { image in try embedder.photoQuery(image, look: look, cleanup: cleanup) })
        }
        let reports = ShopperEvaluation.run(set: set, catalog: table, label: label, tuning: projection, verification: verification, methods: methods)
        var base = "\(embedder.manifest.name) \(embedder.pooling)\(embedder.layerSuffix) \(metric.rawValue) (catalog \(look.greyscale ? "grey" : "colour")"
            + (look.background.map { ", background \($0)" } ?? "") + ")"
        if let tuning = projection as? TunedSimilarity { base += " tuned(\(tuning.label))" }
        if pcaWhiten > 0, let projection { base += " PCA-whitened(\(projection.outputDimension)-d)" }
        if !json {
            print("method     \(base)")
            print("photos     \(set.photos.count) from \(folder); catalog \(table.count)")
        }
        let baseline = reports.first?.report.queryMilliseconds ?? 0
        for (name, report) in reports {
            if json {
                try JSONOutput.line(ShopperEvalLine(method: "\(base) cleanup \(name)", cleanup: name, report: report))
            } else {
                let figures = String(format: "R@1 %.4f   R@10 %.4f   category P@10 %.4f   %.1f ms per photo (median, %.2f× the first)",
                                     report.recallAt1, report.recallAt10, report.categoryPrecisionAt10, report.queryMilliseconds,
                                     baseline > 0 ? report.queryMilliseconds / baseline : 0)
                print("cleanup " + name.padding(toLength: 18, withPad: " ", startingAt: 0) + figures
                      + (report.skipped > 0 ? " (\(report.skipped) skipped)" : ""))
            }
        }
    }
}

/// `eval --shopper --json`.
struct ShopperEvalLine: Encodable {
    let method: String
    let cleanup: String
    let report: ShopperEvaluation.Report
}

/// `eval --json`.
struct EvalLine: Encodable {
    let method: String
    let report: RetrievalEvaluation.Report
    let embed_s: Double
}

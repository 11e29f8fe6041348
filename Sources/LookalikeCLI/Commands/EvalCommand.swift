import ArgumentParser
import Catalog
import Embedding
import Foundation
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

    @Option(help: "Use at most this many queries.")
    var limit: Int?

    @Option(help: "Score: cosine or euclidean.")
    var metric: VectorMetric = .cosine

    @Option(help: "Vector storage for the search: f32, f16 or int8.")
    var storage: VectorStorage = .float32

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let embedder = try modelOptions.load()
        let store = try await catalog.open()
        let table = try await store.loadVectors(modelKey: embedder.modelKey)
        guard table.count > 0 else {
            throw ValidationError("the catalog \(catalog.displayName) has no vectors for \(embedder.modelKey); index it with the same --model/--pool first")
        }
        var queryVectors: SourceVectors?
        var embedSeconds = 0.0
        if let queries {
            let started = Date()
            queryVectors = try SourceVectors.embed(Catalog.source(for: queries), with: embedder, limit: limit)
            embedSeconds = Date().timeIntervalSince(started)
            if let failures = queryVectors?.failures, !failures.isEmpty { printError("\(failures.count) queries failed, e.g. \(failures[0])") }
        }
        let report = RetrievalEvaluation.run(catalog: table, queries: queryVectors, label: label, metric: metric, storage: storage)
        let method = "\(embedder.manifest.name) \(embedder.pooling) \(metric.rawValue) \(embedder.precision.rawValue)"
        if json {
            try JSONOutput.line(EvalLine(method: method, report: report, embed_s: embedSeconds))
        } else {
            let m = report.metrics
            print("method     \(method)")
            print("catalog    \(report.catalog) items, queries \(report.queries) (\(queries ?? "leave-one-out")), relevant = same \(label)")
            print(String(format: "P@1 %.4f   P@5 %.4f   P@10 %.4f   mAP@100 %.4f   (mAP@100 over the relevant results found: %.4f)",
                         m.precisionAt1, m.precisionAt5, m.precisionAt10, m.averagePrecision, m.averagePrecisionOfHits))
            print(String(format: "search     %.0f queries/s%@", report.queriesPerSecond,
                         embedSeconds > 0 ? String(format: "; queries embedded in %.1f s", embedSeconds) as NSString : "" as NSString))
        }
    }
}

/// `eval --json`.
struct EvalLine: Encodable {
    let method: String
    let report: RetrievalEvaluation.Report
    let embed_s: Double
}

import ArgumentParser
import Catalog
import Embedding
import Foundation
import Imaging
import Search
import Service

/// `lookalike eval`: retrieval quality, measured through the same query path that serves shoppers.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Retrieval quality: P@1, P@5, P@10 and mAP@100, where relevant = same value of --label.",
        discussion: "Every query is answered as `lookalike search` (photos: --queries, --shopper) or `lookalike similar` "
            + "(without them: each catalog product, 'more like this', leave-one-out) answers it, with the same options. "
            + "--shopper adds exact-item recall R@1 / R@10 of generated shopper photos (`make shopper-photos`).")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var searchOptions: SearchOptions

    @Option(help: "Photos to query with (same forms as `index`), e.g. fashion-mnist:test. Default: the catalog's own products, 'more like this'.")
    var queries: String?

    @Option(help: ArgumentHelp("A shopper-photo set (folder with manifest.csv, from `make shopper-photos`): exact-item recall of its photos.", valueName: "folder"))
    var shopper: String?

    @Option(help: "Label field that decides relevance.")
    var label = "articleType"

    @Option(help: "Use at most this many queries.")
    var limit: Int?

    @Option(help: ArgumentHelp("Cleanup of photo queries (as `search --cleanup`); repeat to compare several side by side.", valueName: "cleanup"))
    var cleanup: [PhotoCleanup] = [QueryDefaults.cleanup]

    @Flag(help: "Print one JSON report per cleanup.")
    var json = false

    func validate() throws {
        guard queries == nil || shopper == nil else { throw ValidationError("give --queries or --shopper, not both") }
        guard limit.map({ $0 >= 1 }) ?? true else { throw ValidationError("--limit must be 1 or more") }
        guard !cleanup.isEmpty else { throw ValidationError("--cleanup needs a value") }
    }

    func run() async throws {
        let service = try await searchOptions.service(catalog: catalog, model: modelOptions)
        guard service.count > 0 else {
            throw ValidationError("the catalog \(catalog.displayName) has no vectors for \(service.embedder.modelKey); index it with the same --model/--pool/--layers first")
        }
        // Only products with a vector of this model can be found: they are the relevant ones and the queries.
        let searchable = try await service.store.products(ids: Array(service.store.contentHashes(modelKey: service.embedder.modelKey).keys))
        let counts = Dictionary(searchable.compactMap { $0.attributes[label] }.map { ($0, 1) }, uniquingKeysWith: +)
        let evaluated = try await labelledQueries(service: service, searchable: searchable)
        let photos = queries != nil || shopper != nil
        for cleanup in photos ? cleanup : [QueryDefaults.cleanup] {
            var request = try searchOptions.request()
            request.cleanup = cleanup
            do {
                try service.validate(request, fromProduct: !photos)
            } catch let error as QueryError {
                throw ValidationError(error.description)
            }
            let method = Self.method(service: service, request: request, photos: photos)
            let started = Date(), total = evaluated.count, step = max(1, total / 50)
            let answers = await QualityEvaluation.answers(evaluated, service: service, request: request, label: label, progress: { done in
                if done % step == 0 || done == total { FileHandle.standardError.write(Data("\r  \(done)/\(total) queries".utf8)) }
            })
            FileHandle.standardError.write(Data("\n".utf8))
            let report = QualityEvaluation.report(queries: evaluated, answers: answers, label: label, labelCounts: counts,
                                                  catalog: service.count)
            if report.queries == 0, case .failure(let error)? = answers.first { throw error }
            if let failure = answers.lazy.compactMap({ result -> String? in
                if case .failure(let error) = result { return "\(error)" } else { return nil }
            }).first {
                printError("lookalike: \(report.failed) queries failed, e.g. \(failure)")
            }
            if json {
                try JSONOutput.line(EvalLine(method: method, queries: queries ?? shopper ?? "catalog", cleanup: photos ? "\(cleanup)" : nil,
                                             report: report, seconds: Date().timeIntervalSince(started)))
            } else {
                print(Self.describe(report, method: method, queries: queries ?? shopper.map { "shopper photos in \($0)" } ?? "catalog products, leave-one-out"))
            }
        }
    }

    /// The queries: the photos of --queries or --shopper (of products the catalog can return), or the
    /// catalog's labelled `searchable` products.
    func labelledQueries(service: SearchService, searchable: [Product]) async throws -> [QualityEvaluation.Query] {
        let label = self.label, limits = service.embedder.options.limits, cap = limit ?? .max
        var found: [QualityEvaluation.Query] = []
        if let shopper {
            let known = Set(searchable.map(\.id))
            let photos = try ShopperPhotos(folder: URL(fileURLWithPath: shopper), label: label).photos
            let kept = photos.filter { known.contains($0.productID) }
            if kept.count < photos.count {
                printError("lookalike: \(photos.count - kept.count) of \(photos.count) photos show products this catalog does not hold; left out")
            }
            for photo in kept.prefix(cap) {
                found.append(.init(name: photo.url.lastPathComponent, input: .photo { try EncodedImage(contentsOf: photo.url, limits: limits) },
                                   label: photo.label, item: photo.productID))
            }
        } else if let queries {
            for case .item(let item) in try Catalog.source(for: queries).items() {
                guard found.count < cap else { break }
                found.append(.init(name: item.id, input: .photo { try item.encodedImage(limits: limits) }, label: item.attributes[label]))
            }
        } else {
            for product in searchable.sorted(by: { $0.id < $1.id }) where found.count < cap {
                guard let value = product.attributes[label] else { continue }
                found.append(.init(name: product.id, input: .product(id: product.id), label: value))
            }
        }
        guard !found.isEmpty else { throw ValidationError("no queries to evaluate (none has a '\(label)' label, or the source is empty)") }
        return found
    }

    /// What was measured: the model, how vectors are compared, and the ranking the request resolves to.
    static func method(service: SearchService, request: SearchRequest, photos: Bool) -> String {
        var parts = ["\(service.embedder.name) \(service.embedder.descriptorSummary)", service.metric.rawValue,
                     "\(service.indexKind.rawValue) index"]
        if let ranking = try? service.ranking(for: request, fromProduct: !photos) {
            if ranking.space == .tuned, let tuning = service.tuning {
                parts.append("tuned(\(tuning.label), \(tuning.outputDimension)-d)")
            } else {
                parts.append("raw")
            }
            if let expansion = ranking.expansion { parts.append("αQE(\(expansion.depth))") }
            if let consensus = ranking.consensus { parts.append("consensus(\(consensus.neighbours))") }
        }
        parts.append(photos ? "photos, cleanup \(request.cleanup ?? QueryDefaults.cleanup)" : "more like this")
        return parts.joined(separator: ", ")
    }

    static func describe(_ report: QualityEvaluation.Report, method: String, queries: String) -> String {
        let m = report.metrics
        var lines = [
            "method     \(method)",
            "catalog    \(report.catalog) products; \(report.queries) queries (\(queries))"
                + (report.failed > 0 ? ", \(report.failed) failed" : "") + "; relevant = same \(report.label)",
            String(format: "P@1 %.4f   P@5 %.4f   P@10 %.4f   mAP@100 %.4f   (mAP@100 over the relevant results found: %.4f)",
                   m.precisionAt1, m.precisionAt5, m.precisionAt10, m.averagePrecision, m.averagePrecisionOfHits),
        ]
        if let r1 = report.recallAt1, let r10 = report.recallAt10 {
            lines.append(String(format: "exact item R@1 %.4f   R@10 %.4f", r1, r10))
        }
        lines.append(String(format: "query      %.1f ms (median, input to results)", report.queryMilliseconds))
        return lines.joined(separator: "\n")
    }
}

/// `eval --json`, one line per cleanup.
struct EvalLine: Encodable {
    let method: String
    let queries: String
    /// The photo cleanup (photo queries only).
    let cleanup: String?
    let report: QualityEvaluation.Report
    let seconds: Double
}

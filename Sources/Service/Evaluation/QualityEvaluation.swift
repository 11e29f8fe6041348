import Catalog
import Dispatch
import Foundation
import Imaging
import Synchronization

/// Retrieval quality measured through the product's own query path: every query is answered by
/// `SearchService.search(image:request:)` (a photo, as `lookalike search` and `POST /api/search` answer
/// it) or `SearchService.similar(to:request:)` (a catalog product, as "more like this" answers it), so
/// what `lookalike eval` reports is what shoppers get.
public enum QualityEvaluation {
    /// One query of an evaluation: a photo or a catalog product, with what counts as a right answer.
    public struct Query: Sendable {
        /// What is searched with.
        public enum Input: Sendable {
            /// A photo, read when its turn comes.
            case photo(@Sendable () throws -> EncodedImage)
            /// A catalog product ("more like this"; the product itself is never among its results).
            case product(id: String)
        }

        /// A name for messages (the photo's or the product's id).
        public var name: String
        /// What is searched with.
        public var input: Input
        /// The query's value of the evaluation's label (results with the same value are relevant); nil = unlabelled.
        public var label: String?
        /// The catalog product the photo shows, when it is known (exact-item recall).
        public var item: String?

        /// A query.
        public init(name: String, input: Input, label: String?, item: String? = nil) {
            self.name = name
            self.input = input
            self.label = label
            self.item = item
        }
    }

    /// How one query was answered: the ranked product ids and their label values.
    public struct Answer: Sendable {
        /// The query it answers.
        public var query: Int
        /// Result ids, best first.
        public var ids: [String]
        /// Each result's value of the label.
        public var labels: [String?]
        /// Milliseconds from the query's input to its results.
        public var milliseconds: Double
    }

    /// What an evaluation measured.
    public struct Report: Sendable, Codable {
        /// Queries scored.
        public var queries: Int
        /// Queries that failed (an unreadable photo, say) and were left out.
        public var failed: Int
        /// Products in the catalog.
        public var catalog: Int
        /// The label field.
        public var label: String
        /// Mean category metrics over the labelled queries (relevant = same label value).
        public var metrics: RetrievalMetrics
        /// Share of queries with a known item whose item is the first result (nil: no such queries).
        public var recallAt1: Double?
        /// Share of queries with a known item whose item is among the first 10.
        public var recallAt10: Double?
        /// Median milliseconds per query, its input to its results.
        public var queryMilliseconds: Double
    }

    /// Answers every query with `request` (its `k` raised to `depth`) through `service`, `concurrency` at a
    /// time, in the queries' order.
    public static func answers(_ queries: [Query], service: SearchService, request: SearchRequest, label: String,
                               depth: Int = 100, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
                               progress: (@Sendable (Int) -> Void)? = nil) async -> [Result<Answer, any Error>] {
        var request = request
        request.k = max(request.k, depth)
        let asked = request, workers = max(1, concurrency)
        let done = Counter()
        var answers = [Result<Answer, any Error>?](repeating: nil, count: queries.count)
        await withTaskGroup(of: [(Int, Result<Answer, any Error>)].self) { group in
            for worker in 0 ..< workers {
                group.addTask {
                    var answered: [(Int, Result<Answer, any Error>)] = []
                    for index in stride(from: worker, to: queries.count, by: workers) {
                        answered.append((index, await Result(catching: {
                            try await QualityEvaluation.answer(queries[index], number: index, service: service, request: asked, label: label)
                        })))
                        progress?(done.increment())
                    }
                    return answered
                }
            }
            for await answered in group {
                for (index, answer) in answered { answers[index] = answer }
            }
        }
        return answers.compactMap { $0 }
    }

    /// Answers one query through the service.
    static func answer(_ query: Query, number: Int, service: SearchService, request: SearchRequest, label: String) async throws -> Answer {
        let started = DispatchTime.now().uptimeNanoseconds
        let results: [SearchResult]
        switch query.input {
        case .photo(let read):
            results = try await service.search(image: read(), request: request).results
        case .product(let id):
            results = try await service.similar(to: id, request: request)
        }
        return Answer(query: number, ids: results.map(\.product.id), labels: results.map { $0.product.attributes[label] },
                      milliseconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
    }

    /// Scores the answers: category precision and mAP against the catalog's count of each label value
    /// (`labelCounts`, from the store's facets), and exact-item recall where the item is known.
    public static func report(queries: [Query], answers: [Result<Answer, any Error>], label: String, labelCounts: [String: Int],
                              catalog: Int, depth: Int = 100) -> Report {
        var metrics: [RetrievalMetrics] = []
        var failed = 0, withItem = 0, hits1 = 0, hits10 = 0
        var times: [Double] = []
        for result in answers {
            guard case .success(let answer) = result else { failed += 1; continue }
            let query = queries[answer.query]
            times.append(answer.milliseconds)
            if let wanted = query.label {
                // "More like this" never returns the product itself, so it is not among the relevant ones either.
                var available = labelCounts[wanted] ?? 0
                if case .product = query.input { available -= 1 }
                metrics.append(RetrievalMetrics(relevant: answer.labels.prefix(depth).map { $0 == wanted }, relevantInCatalog: available, depth: depth))
            }
            if let item = query.item {
                withItem += 1
                if answer.ids.first == item { hits1 += 1 }
                if answer.ids.prefix(10).contains(item) { hits10 += 1 }
            }
        }
        times.sort()
        return Report(queries: answers.count - failed, failed: failed, catalog: catalog, label: label, metrics: .mean(metrics),
                      recallAt1: withItem > 0 ? Double(hits1) / Double(withItem) : nil,
                      recallAt10: withItem > 0 ? Double(hits10) / Double(withItem) : nil,
                      queryMilliseconds: times.isEmpty ? 0 : times[times.count / 2])
    }
}

extension Result where Failure == any Error {
    /// The value of an async throwing call, or its error.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// Counts finished queries for progress reports, from several tasks.
private final class Counter: Sendable {
    private let value = Atomic(0)

    /// Adds one and returns the new count.
    func increment() -> Int { value.add(1, ordering: .relaxed).newValue }
}

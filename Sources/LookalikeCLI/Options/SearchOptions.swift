import ArgumentParser
import Embedding
import Search
import Service

/// Options shared by the commands that search: how many, which products, how to score.
struct SearchOptions: ParsableArguments {
    @Option(name: .long, help: "Results per query.")
    var k = QueryDefaults.k

    @Option(name: .customLong("where"), help: ArgumentHelp("Metadata filter KEY=VALUE; repeat for more (AND across keys, OR within one key).", valueName: "key=value"))
    var filters: [String] = []

    @Option(name: .long, help: ArgumentHelp("Score: cosine (the default) or euclidean (the original design's distance, for comparisons).", visibility: .hidden))
    var metric: VectorMetric = QueryDefaults.metric

    @Option(name: .long, help: "How vectors are held in memory: int8 (with a scale per vector: the fastest scan), f16 or f32 (exact scores). HNSW holds int8 as f16.")
    var storage: VectorStorage = QueryDefaults.storage

    @Option(name: .long, help: ArgumentHelp("exact (brute force), hnsw (approximate, kept beside the catalog, catalog.db → catalog.hnsw, and updated incrementally) or auto (hnsw from \(VectorIndexKind.autoThreshold) products).", valueName: "kind"))
    var index: VectorIndexKind = QueryDefaults.index

    @Option(name: .long, help: "Vectors compared: raw or tuned (`lookalike tune`). Default: raw for photos, tuned for `similar` when the catalog has a tuning.")
    var space: SimilaritySpace?

    @Option(name: .customLong("qe"), help: "α query expansion over this many first results (0 = off). Default: 10 in the tuned space, off in the raw one.")
    var expansionDepth: Int?

    @Option(name: .long, help: "Re-rank by the labels the catalog was tuned with, as voted by this many first results (0 = off). Default: 10 in the tuned space, off in the raw one.")
    var consensus: Int?

    @Flag(inversion: .prefixedNo, help: "Show variants that share an item_group_id (a feed's item group, a Shopify handle, a WooCommerce parent) once, by the best of them. Default: on when the catalog has item groups.")
    var groupVariants: Bool?

    /// The request these options describe (for a photo, add `PhotoOptions`' cleanup).
    func request() throws -> SearchRequest {
        var request = SearchRequest(k: k, filters: try parsedFilters())
        request.space = space
        request.expansion = expansionDepth.map { QueryExpansion(depth: $0) }
        request.consensus = consensus
        request.groupVariants = groupVariants
        return request
    }

    /// The filters as key → allowed values.
    func parsedFilters() throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for filter in filters {
            guard let equals = filter.firstIndex(of: "="), equals != filter.startIndex else {
                throw ValidationError("--where takes KEY=VALUE (got '\(filter)')")
            }
            let key = String(filter[..<equals]), value = String(filter[filter.index(after: equals)...])
            result[key, default: []].append(value)
        }
        return result
    }

    func validate() throws {
        guard k >= 1, k <= 1000 else { throw ValidationError("--k must be between 1 and 1000") }
        if let expansionDepth, expansionDepth < 0 || expansionDepth > 100 { throw ValidationError("--qe must be between 0 and 100") }
        if let consensus, consensus < 0 || consensus > 100 { throw ValidationError("--consensus must be between 0 and 100") }
        _ = try parsedFilters()
    }
}

extension VectorMetric: ExpressibleByArgument {}
extension VectorIndexKind: ExpressibleByArgument {}
extension VectorStorage: ExpressibleByArgument {}
extension SimilaritySpace: ExpressibleByArgument {}

/// How photo queries are cleaned up (`search`, `eval`): not offered by `similar`, whose query is a product.
struct PhotoOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Cleanup of photo queries: none, grey, standard (item+crop: the garment cut out onto the catalog's background, and the photo), or views joined by '+' from crop, item, salient; add +verify for exact-item verification (catalog indexed with --item-signatures).", valueName: "cleanup"))
    var cleanup: PhotoCleanup = QueryDefaults.cleanup
}

extension PhotoCleanup: ExpressibleByArgument {
    /// Parses `none`, `standard`, `item+crop+verify`, … (`PhotoCleanup(parsing:)`).
    public init?(argument: String) { try? self.init(parsing: argument) }
}

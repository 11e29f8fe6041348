import Catalog
import Embedding
import Imaging
import Search

/// A search request: what to find, how many and among which products.
public struct SearchRequest: Sendable, Hashable {
    /// Results to return.
    public var k: Int = QueryDefaults.k
    /// Attribute filters: AND across keys, OR across the values of one key.
    public var filters: [String: [String]] = [:]
    /// Only this part of the query image, if set.
    public var region: CropRegion?
    /// Product ids never returned (e.g. the product a "more like this" started from).
    public var excluding: Set<String> = []
    /// Raw or catalog-tuned vectors; nil = the default for the kind of query (photos: raw, products: tuned
    /// when the catalog has a tuning).
    public var space: SimilaritySpace?
    /// α query expansion; nil = the default of the space (tuned: 10 neighbours, raw: none).
    public var expansion: QueryExpansion?
    /// Label-consensus re-ranking (`LabelConsensus`) over this many first results, on the label the catalog
    /// was tuned with; 0 = off; nil = the default of the space (tuned: 10, raw: off).
    public var consensus: Int?
    /// Cleanup of photo queries (find the garment, match the catalog's look); `QueryDefaults.cleanup` when nil.
    public var cleanup: PhotoCleanup?
    /// Variants of one product (the same `item_group_id`: a feed's item group, a Shopify handle, a WooCommerce
    /// parent) shown once, by the best of them; nil = on when the catalog has item groups.
    public var groupVariants: Bool?

    /// A request for the `k` best matches.
    public init(k: Int = QueryDefaults.k, filters: [String: [String]] = [:], region: CropRegion? = nil, excluding: Set<String> = []) {
        self.k = k
        self.filters = filters
        self.region = region
        self.excluding = excluding
    }
}

/// One match: the product, the score of its best image and which image that was.
public struct SearchResult: Sendable {
    /// The matching product.
    public let product: Product
    /// Cosine similarity (higher is closer) or Euclidean distance (lower is closer) of the product's best
    /// image, per the service's metric.
    public let score: Float
    /// The image that matched: 0 the primary one, else its position among `product.images`.
    public let image: Int

    /// A match of `product` by its image `image`.
    public init(product: Product, score: Float, image: Int = 0) {
        self.product = product
        self.score = score
        self.image = image
    }

    /// The file of the image that matched.
    public var imagePath: String? { product.imagePath(at: image) }
}

/// Matches plus where the time went.
public struct SearchResponse: Sendable {
    /// Best first.
    public let results: [SearchResult]
    /// The query's vector (the normalised mean of its views' vectors), e.g. for heat maps.
    public let vector: [Float]
    /// How the query shared its model call, when it went through a `QueryBatcher`.
    public let embedding: QueryBatcher.Embedding?
    /// Milliseconds spent decoding the query image.
    public let decodeMilliseconds: Double
    /// Milliseconds spent running the model.
    public let embedMilliseconds: Double
    /// Milliseconds spent searching the vectors and loading the products.
    public let searchMilliseconds: Double
}

/// Why a query could not be answered, worded for the person asking.
public enum QueryError: Error, CustomStringConvertible, Equatable {
    /// The catalog has no vectors for the current model.
    case emptyCatalog(modelKey: String)
    /// No product has this id.
    case unknownProduct(String)
    /// A parameter is out of range.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .emptyCatalog(let key):
            return "the catalog has no products indexed with this model (\(key)); run `lookalike index SOURCE` first"
        case .unknownProduct(let id):
            return "no product with id '\(id)'"
        case .invalidParameter(let reason):
            return reason
        }
    }
}

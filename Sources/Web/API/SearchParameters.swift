import Embedding
import Foundation
import Imaging
import Search
import Service

/// What a search asks for besides the image: how many results, which products, which part of the photo.
///
/// Read from query parameters (and from the text fields of a multipart body): `k`, repeated
/// `filter=key:value`, `key=value` for the catalog's own attribute keys, and
/// `crop=left,top,width,height` in fractions of the photo (0…1), `space=raw|tuned`, `qe=N` (α query
/// expansion over N results; 0 = off), `consensus=N` (label-consensus re-ranking voted by N results;
/// 0 = off), `explain=1` (heat maps) and `group=1|0` (variants sharing an `item_group_id` shown once;
/// default: on when the catalog has item groups).
struct SearchParameters: Sendable, Equatable {
    /// Results to return.
    var k: Int
    /// key → accepted values (AND across keys, OR within one key).
    var filters: [String: [String]] = [:]
    /// Part of the photo to search with.
    var crop: CropRegion?
    /// Raw or tuned vectors; the service's default for the kind of query when nil.
    var space: SimilaritySpace?
    /// α query expansion depth; the space's default when nil.
    var expansion: Int?
    /// Label-consensus voters; the space's default when nil.
    var consensus: Int?
    /// Query cleanup of the photo; the service's standard when nil.
    var cleanup: PhotoCleanup?
    /// Add a "why it matched" heat map to each result (one more model call for all results).
    var explain = false
    /// Show each variant group once; the catalog's default (on when it has groups) when nil.
    var group: Bool?

    /// Parameter names with a meaning of their own, never taken as attribute filters.
    static let reserved: Set<String> = ["k", "filter", "crop", "image", "like", "space", "qe", "consensus", "explain", "cleanup", "group"]

    /// The service request these parameters describe.
    var request: SearchRequest {
        var request = SearchRequest(k: k, filters: filters, region: crop)
        request.space = space
        request.expansion = expansion.map { QueryExpansion(depth: $0) }
        request.consensus = consensus
        request.cleanup = cleanup
        request.groupVariants = group
        return request
    }

    /// Parses `pairs` (later pairs win for `k` and `crop`; filters add up).
    ///
    /// - Parameters:
    ///   - knownKeys: the catalog's attribute keys; `key=value` is a filter only for these, and
    ///     `filter=key:value` must name one of them (so a typo is an error, not an empty result).
    static func parse(_ pairs: [(String, String)], defaultK: Int, maxK: Int, knownKeys: Set<String>) throws -> SearchParameters {
        var parameters = SearchParameters(k: defaultK)
        var seen: [String: Set<String>] = [:]
        func addFilter(_ key: String, _ value: String) throws {
            guard !key.isEmpty, !value.isEmpty else {
                throw APIError.badParameter("filter '\(key):\(value)' needs a key and a value, as in filter=gender:Women")
            }
            guard knownKeys.contains(key) else {
                let known = knownKeys.sorted().joined(separator: ", ")
                throw APIError.badParameter("unknown filter key '\(key)'; this catalog's keys are: \(known.isEmpty ? "(none)" : known)")
            }
            if seen[key, default: []].insert(value).inserted { parameters.filters[key, default: []].append(value) }
        }
        for (name, value) in pairs {
            switch name {
            case "k":
                guard let k = Int(value.trimmingCharacters(in: .whitespaces)), k >= 1, k <= maxK else {
                    throw APIError.badParameter("k must be a whole number from 1 to \(maxK) (got '\(value.prefix(40))')")
                }
                parameters.k = k
            case "filter":
                // A key may itself hold ':' ("size:EU"): the split is after the known key, else at the first ':'.
                let colons = value.indices.filter { value[$0] == ":" }
                guard let first = colons.first else {
                    throw APIError.badParameter("filter must look like key:value, e.g. filter=articleType:Tshirts (got '\(value.prefix(80))')")
                }
                let colon = colons.first { knownKeys.contains(String(value[..<$0])) } ?? first
                try addFilter(String(value[..<colon]), String(value[value.index(after: colon)...]))
            case "crop":
                parameters.crop = try parseCrop(value)
            case "space":
                guard let space = SimilaritySpace(rawValue: value.trimmingCharacters(in: .whitespaces)) else {
                    throw APIError.badParameter("space must be raw or tuned (got '\(value.prefix(40))')")
                }
                parameters.space = space
            case "cleanup":
                do { parameters.cleanup = try PhotoCleanup(parsing: value.trimmingCharacters(in: .whitespaces)) } catch {
                    throw APIError.badParameter("cleanup must be none, grey, standard or views joined by '+' from crop, item, salient, optionally with +verify (got '\(value.prefix(40))')")
                }
            case "explain":
                switch value.trimmingCharacters(in: .whitespaces).lowercased() {
                case "1", "true", "yes", "": parameters.explain = true
                case "0", "false", "no": parameters.explain = false
                default: throw APIError.badParameter("explain must be 1 or 0 (got '\(value.prefix(40))')")
                }
            case "group":
                switch value.trimmingCharacters(in: .whitespaces).lowercased() {
                case "1", "true", "yes": parameters.group = true
                case "0", "false", "no": parameters.group = false
                case "": parameters.group = nil
                default: throw APIError.badParameter("group must be 1 or 0 (got '\(value.prefix(40))')")
                }
            case "qe":
                guard let depth = Int(value.trimmingCharacters(in: .whitespaces)), depth >= 0, depth <= 100 else {
                    throw APIError.badParameter("qe must be a whole number from 0 to 100 (got '\(value.prefix(40))')")
                }
                parameters.expansion = depth
            case "consensus":
                guard let voters = Int(value.trimmingCharacters(in: .whitespaces)), voters >= 0, voters <= 100 else {
                    throw APIError.badParameter("consensus must be a whole number from 0 to 100 (got '\(value.prefix(40))')")
                }
                parameters.consensus = voters
            default:
                if knownKeys.contains(name), !reserved.contains(name) { try addFilter(name, value) }
            }
        }
        return parameters
    }

    /// `left,top,width,height` as fractions 0…1 (an empty value means no crop).
    static func parseCrop(_ text: String) throws -> CropRegion? {
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
        let numbers = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 4, let left = numbers[0], let top = numbers[1], let width = numbers[2], let height = numbers[3] else {
            throw APIError(.badRequest, "invalid_crop",
                           "crop must be four numbers left,top,width,height as fractions of the photo, e.g. crop=0.1,0.2,0.5,0.6 (got '\(text.prefix(80))')")
        }
        do {
            return try CropRegion(left: left, top: top, width: width, height: height)
        } catch let error as ImagingError {
            throw APIError.from(error)
        }
    }
}

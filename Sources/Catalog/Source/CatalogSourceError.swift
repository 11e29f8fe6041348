/// Why a source could not list any items at all, written for the person who ran the import.
public enum CatalogSourceError: Error, CustomStringConvertible, Equatable {
    /// The spec names nothing that exists.
    case notFound(spec: String)
    /// The spec names something Lookalike cannot read as a catalog.
    case unsupported(spec: String, reason: String)
    /// A file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// A CSV header lacks a required column.
    case missingColumns(file: String, missing: [String], found: [String])
    /// A file's content is not what its format requires.
    case malformed(file: String, reason: String)

    /// The accepted forms of a source spec, for error messages and `--help`.
    public static let accepted = "a folder of images, a Kaggle folder (styles.csv + images/), a .csv or .jsonl manifest, "
        + "a product feed (Google Merchant Center XML, TSV or CSV; a Shopify or WooCommerce product CSV export), "
        + "or fashion-mnist:train|test|all"

    /// A message written for the person who hit the error.
    public var description: String {
        switch self {
        case let .notFound(spec):
            return "\(spec) does not exist; expected \(Self.accepted)"
        case let .unsupported(spec, reason):
            return "cannot read \(spec) as a catalog: \(reason); expected \(Self.accepted)"
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .missingColumns(file, missing, found):
            return "\(file): the header has no \(missing.map { "\"\($0)\"" }.joined(separator: " or ")) column "
                + "(columns found: \(found.joined(separator: ", ")))"
        case let .malformed(file, reason):
            return "\(file): \(reason)"
        }
    }
}

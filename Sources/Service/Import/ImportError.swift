import Catalog

/// Why an import cannot start, worded for the person running it.
public enum ImportError: Error, CustomStringConvertible, Equatable {
    /// Item signatures were asked for, and the catalog cannot keep them.
    case noItemSignatures

    /// A message written for the person who hit the error.
    public var description: String {
        switch self {
        case .noItemSignatures:
            return "item signatures need a catalog that keeps them (a SQLite catalog file); this catalog does not"
        }
    }
}

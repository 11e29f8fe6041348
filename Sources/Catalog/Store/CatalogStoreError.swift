/// Why a catalog store refused or failed an operation, written for the person running the command.
public enum CatalogStoreError: Error, CustomStringConvertible, Equatable {
    /// A product in a batch cannot be stored (empty id, empty vector, NaN, …).
    case invalidProduct(id: String, reason: String)
    /// A vector's length differs from the others stored under the same model key.
    case dimensionMismatch(id: String, modelKey: String, expected: Int, found: Int)
    /// A stored vector blob does not have the length its row claims.
    case corruptVector(id: String, modelKey: String, expectedBytes: Int, foundBytes: Int)
    /// The database file could not be opened or prepared.
    case cannotOpen(path: String, reason: String)
    /// The file was written by a newer version of Lookalike.
    case schemaTooNew(path: String, unknownMigrations: [String])
    /// An import run id that the store does not know.
    case unknownImportRun(id: Int64)
    /// A database operation failed.
    case database(operation: String, reason: String)
    /// The database file was deleted or replaced by another file while the catalog had it open.
    case fileReplaced(path: String)

    /// A message written for the person who hit the error.
    public var description: String {
        switch self {
        case let .invalidProduct(id, reason):
            return "product \"\(id)\" cannot be stored: \(reason)"
        case let .dimensionMismatch(id, modelKey, expected, found):
            return "product \"\(id)\": vector has \(found) values but the vectors stored for model \(modelKey) have \(expected); "
                + "was the model changed without changing its model key?"
        case let .corruptVector(id, modelKey, expectedBytes, foundBytes):
            return "the stored vector of \"\(id)\" for model \(modelKey) is damaged (\(foundBytes) bytes, expected \(expectedBytes)); "
                + "re-import that product"
        case let .cannotOpen(path, reason):
            return "cannot open the catalog database \(path): \(reason)"
        case let .schemaTooNew(path, unknownMigrations):
            return "\(path) was written by a newer version of Lookalike (unknown schema steps: "
                + "\(unknownMigrations.joined(separator: ", "))); upgrade Lookalike or use another database file"
        case let .unknownImportRun(id):
            return "there is no import run #\(id) in this catalog"
        case let .database(operation, reason):
            return "catalog database error while \(operation): \(reason)"
        case let .fileReplaced(path):
            return "the catalog file \(path) was deleted or replaced while it was open, so nothing was written; "
                + "restore the file, or restart to open the one now there"
        }
    }
}

import Catalog
import PostgresNIO

/// Why the PostgreSQL backend could not be set up; failures of single operations are `CatalogStoreError`s.
public enum PostgresStoreError: Error, CustomStringConvertible, Equatable {
    /// The `--db` value is not a usable PostgreSQL URL.
    case invalidURL(String, reason: String)
    /// The server has no pgvector extension and the user may not create it.
    case missingVectorExtension(url: String, reason: String)

    /// A message written for the person who hit the error.
    public var description: String {
        switch self {
        case let .invalidURL(url, reason):
            return "\(url) is not a usable PostgreSQL URL: \(reason)"
        case let .missingVectorExtension(url, reason):
            return "\(url) has no pgvector extension (CREATE EXTENSION vector failed: \(reason)); "
                + "install pgvector on the server or ask its administrator to run CREATE EXTENSION vector"
        }
    }
}

/// The server's own message for a PostgreSQL error (PSQLError hides it from `description`).
func postgresReason(_ error: any Error) -> String {
    if let error = error as? PSQLError {
        if let message = error.serverInfo?[.message] {
            let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            let detail = error.serverInfo?[.detail].map { ": \($0)" } ?? ""
            return message + detail + code
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
    return "\(error)"
}

/// The SQLSTATE of a server error, if it is one.
func postgresSQLState(_ error: any Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
}

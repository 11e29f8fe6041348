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
        let what: String
        switch error.code {
        case .serverClosedConnection, .uncleanShutdown:
            what = "the server closed the connection (its backend was terminated, crashed or the server is shutting down)"
        case .connectionError:
            what = "the connection to the server failed"
        case .poolClosed, .clientClosedConnection:
            what = "the connection was closed by Lookalike"
        default:
            what = "\(error.code)"
        }
        if let underlying = error.underlying { return "\(what): \(underlying)" }
        return what
    }
    return "\(error)"
}

/// Whether a failed read may succeed if tried again: the connection dropped, the server is restarting,
/// shutting down or in recovery, or a replica cancelled the read for a conflict with recovery.
func isTransient(_ error: any Error) -> Bool {
    guard let error = error as? PSQLError else { return false }
    if [.serverClosedConnection, .uncleanShutdown, .connectionError].contains(error.code) { return true }
    guard let state = error.serverInfo?[.sqlState] else { return false }
    return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "40001"].contains(state)
}

/// The SQLSTATE of a server error, if it is one.
func postgresSQLState(_ error: any Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
}

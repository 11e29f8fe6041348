/// Why an image could not be downloaded, worded for the person running the import.
public enum RemoteFetchError: Error, CustomStringConvertible, Equatable {
    /// Only http and https URLs are fetched.
    case unsupportedScheme(String)
    /// The server answered with an error status (after any retries).
    case status(Int)
    /// The server asked to wait longer than the import waits.
    case retryAfterTooLong(seconds: Int)
    /// The body is larger than the cap.
    case tooLarge(limit: Int)
    /// No answer in time (after any retries).
    case timedOut(seconds: Double)
    /// Redirects went round in a circle, or there were too many.
    case redirects(String)
    /// The connection failed or broke off (after any retries).
    case network(String)
    /// No connection could be made (the HTTP client already tried again until its connect timeout).
    case unreachable(String)

    /// A message for the import's failure list.
    public var description: String {
        switch self {
        case .unsupportedScheme(let scheme):
            return "only http and https image URLs are downloaded, not \(scheme.isEmpty ? "this one" : scheme + ":")"
        case .status(let code):
            return "the server answered HTTP \(code)"
        case .retryAfterTooLong(let seconds):
            return "the server asked to retry after \(seconds) s, longer than the import waits"
        case .tooLarge(let limit):
            return "the image is larger than \(limit / 1_000_000) MB"
        case .timedOut(let seconds):
            return "no complete answer within \(Int(seconds)) s"
        case .redirects(let reason):
            return reason
        case .network(let reason):
            return "the download failed: \(reason)"
        case .unreachable(let reason):
            return "the server cannot be reached: \(reason)"
        }
    }

    /// Whether another attempt may succeed.
    var isRetryable: Bool {
        switch self {
        case .status(let code): return code == 429 || code == 408 || (500 ... 599).contains(code)
        case .timedOut, .network: return true
        default: return false
        }
    }
}

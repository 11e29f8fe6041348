import Foundation

/// A downloaded image: its local copy and the SHA-256 of its bytes.
public struct RemoteImage: Sendable, Equatable {
    /// The copy in the catalog's image folder.
    public var file: URL
    /// SHA-256 hex of the bytes.
    public var contentHash: String
    /// Whether the server said it had not changed (nothing was downloaded).
    public var notModified: Bool
}

/// What the downloads of an import did.
public struct RemoteFetchCounts: Sendable, Equatable, Codable {
    /// Images downloaded in full.
    public var downloaded = 0
    /// Images the server said had not changed (304): nothing downloaded.
    public var notModified = 0
    /// Images that could not be fetched.
    public var failed = 0
    /// Attempts repeated after a failure that may pass (timeouts, 429, 5xx).
    public var retried = 0
    /// Bytes downloaded.
    public var bytes = 0

    /// No downloads.
    public init() {}
}

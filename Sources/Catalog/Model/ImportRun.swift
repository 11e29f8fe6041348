import Foundation

/// One execution of `lookalike import`: where it read from, how it ended and what it did.
public struct ImportRun: Sendable, Hashable, Codable {
    /// Row id of the run, increasing with every run.
    public var id: Int64
    /// The source spec the run read from (a folder, a manifest, `fashion-mnist:train`, …).
    public var source: String
    /// When the run started.
    public var startedAt: Date
    /// When the run ended; nil while it is still running (or if the process died).
    public var finishedAt: Date?
    /// How the run ended.
    public var status: ImportStatus
    /// What the run did, item by item.
    public var counts: ImportCounts

    /// Creates an import run value.
    public init(id: Int64, source: String, startedAt: Date, finishedAt: Date?,
                status: ImportStatus, counts: ImportCounts) {
        self.id = id
        self.source = source
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.counts = counts
    }
}

/// The state of an import run.
public enum ImportStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Still going (or the process died without finishing it).
    case running
    /// Every item was read; some may have failed individually.
    case completed
    /// Stopped early (Ctrl-C); every finished batch is stored.
    case interrupted
    /// Stopped by an error that made going on pointless.
    case failed
}

/// Per-item outcome counts of an import run.
public struct ImportCounts: Sendable, Hashable, Codable {
    /// Items embedded and stored.
    public var indexed: Int
    /// Items skipped because their content hash had not changed.
    public var unchanged: Int
    /// Items that could not be read or embedded (see `ImportFailure`).
    public var failed: Int
    /// Products removed because the source no longer lists them.
    public var removed: Int

    /// Creates a set of counts; all default to zero.
    public init(indexed: Int = 0, unchanged: Int = 0, failed: Int = 0, removed: Int = 0) {
        self.indexed = indexed
        self.unchanged = unchanged
        self.failed = failed
        self.removed = removed
    }
}

/// One item an import run could not index, with a reason written for the person reading it.
public struct ImportFailure: Sendable, Hashable, Codable {
    /// The run the failure belongs to.
    public var runID: Int64
    /// The item: its id, or a location such as "styles.csv line 17".
    public var item: String
    /// Why it failed, e.g. "images/1234.jpg not found".
    public var reason: String

    /// Creates an import failure.
    public init(runID: Int64, item: String, reason: String) {
        self.runID = runID
        self.item = item
        self.reason = reason
    }
}

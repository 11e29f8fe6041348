import Catalog
import Foundation
import Synchronization

/// Keeps a served catalog in step with the shop's feed (`serve --sync FEED --every 1h`): re-imports the
/// source on a schedule, in the background, while queries go on; new and changed products are searchable
/// as each batch is stored, and products the feed no longer lists are removed once an import completes.
/// One sync at a time; a failed sync (feed unreachable, database down) is reported and the next one tried
/// on schedule, with the catalog as it was.
public final class CatalogSync: Sendable {
    /// The outcome of one sync.
    public struct Report: Sendable {
        /// When it started.
        public var started: Date
        /// Seconds it took.
        public var seconds: Double
        /// What the import did; nil when it could not run.
        public var summary: ImportSummary?
        /// Why it could not run, if it could not.
        public var error: String?
    }

    /// The totals `/metrics` shows.
    public struct Status: Sendable {
        /// Syncs finished, with or without error.
        public var runs = 0
        /// Syncs that could not run.
        public var errors = 0
        /// The last one.
        public var last: Report?
    }

    /// The feed or catalog source: a path or an http(s) URL.
    public let source: String
    /// Its format, if not detected.
    public let format: SourceFormat?
    /// Time between the end of one sync and the start of the next.
    public let interval: Duration

    private let service: SearchService
    private let options: ImportOptions
    private let state = Mutex(Status())

    /// A sync of `service`'s catalog with `source` every `interval`; `options` set the image folder and limits.
    public init(service: SearchService, source: String, format: SourceFormat? = nil, interval: Duration, options: ImportOptions) {
        self.service = service
        self.source = source
        self.format = format
        self.interval = interval
        var options = options
        options.prune = true
        self.options = options
    }

    /// The totals so far.
    public var status: Status { state.withLock { $0 } }

    /// Syncs once now; `onChange` is called when the catalog changed.
    @discardableResult
    public func runOnce(stop: StopFlag = StopFlag(), onChange: @Sendable () async -> Void = {}) async -> Report {
        let started = Date()
        var report = Report(started: started, seconds: 0)
        var feed: RemoteSourceFile?
        do {
            if RemoteSourceFile.isURL(source), let url = URL(string: source) { feed = try await RemoteSourceFile.download(url) }
            let catalogSource = try Catalog.source(for: feed?.file.path ?? source, format: format)
            let summary = try await service.importChanges(from: catalogSource, options: options, stop: stop)
            report.summary = summary
            if summary.indexed + summary.removed > 0 { await onChange() }
        } catch {
            report.error = "\(error)"
        }
        feed?.remove()
        report.seconds = Date().timeIntervalSince(started)
        state.withLock { status in
            status.runs += 1
            if report.error != nil { status.errors += 1 }
            status.last = report
        }
        return report
    }

    /// Syncs now and then every `interval` until the task is cancelled (a sync in progress then stops after
    /// the batch in flight; the next one finishes it); `log` gets a line per sync.
    public func run(log: @Sendable (String) -> Void, onChange: @escaping @Sendable () async -> Void) async {
        let stop = StopFlag()
        await withTaskCancellationHandler {
            while !Task.isCancelled {
                let report = await runOnce(stop: stop, onChange: onChange)
                log(Self.describe(report, source: source))
                do { try await Task.sleep(for: interval) } catch { return }
            }
        } onCancel: {
            stop.stop()
        }
    }

    /// One line for the log.
    public static func describe(_ report: Report, source: String) -> String {
        guard let summary = report.summary else { return "sync of \(source) failed: \(report.error ?? "unknown error")" }
        let d = summary.downloads
        return "synced \(source) in \(String(format: "%.1f", report.seconds)) s: \(summary.indexed) indexed, \(summary.unchanged) unchanged, "
            + "\(summary.failed) failed, \(summary.removed) removed"
            + (d.downloaded + d.notModified + d.failed > 0 ? "; images by URL: \(d.downloaded) downloaded, \(d.notModified) not modified" : "")
    }
}

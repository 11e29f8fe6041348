import Foundation
import Service
import Synchronization

/// The server's counters and histograms, written out in the Prometheus text format at `/metrics`.
final class WebMetrics: Sendable {
    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    /// The labelled counters and per-route histograms, behind one lock.
    private struct Labelled {
        var requests: [RequestKey: UInt64] = [:]
        var latencies: [String: Histogram] = [:]
        var rejections: [String: UInt64] = [:]
    }

    private let labelled = Mutex(Labelled())
    /// Seconds decoding query images.
    let decode = Histogram(bounds: Histogram.latencyBounds)
    /// Seconds each query waited for and spent in the model.
    let embed = Histogram(bounds: Histogram.latencyBounds)
    /// Seconds of each model call (one per batch).
    let modelCall = Histogram(bounds: Histogram.latencyBounds)
    /// Queries per model call.
    let batchSize = Histogram(bounds: [1, 2, 4, 8, 16, 32, 64])
    /// Seconds scanning vectors and loading products.
    let search = Histogram(bounds: Histogram.latencyBounds)
    /// When the server started.
    let started = Date()

    /// Counts a finished request and its latency; `route` is the route's pattern, never the raw path.
    func recordRequest(method: String, route: String, status: Int, seconds: Double) {
        let histogram = labelled.withLock { labelled in
            labelled.requests[RequestKey(method: method, route: route, status: status), default: 0] += 1
            if let existing = labelled.latencies[route] { return existing }
            let created = Histogram(bounds: Histogram.latencyBounds)
            labelled.latencies[route] = created
            return created
        }
        histogram.observe(seconds)
    }

    /// Counts a refused upload or query by error code.
    func recordRejection(code: String) {
        labelled.withLock { $0.rejections[code, default: 0] += 1 }
    }

    /// The whole exposition.
    func render(catalogSize: Int, batcher: QueryBatcher.Statistics, sync: CatalogSync.Status? = nil, thumbnails: ThumbnailCache.Statistics) -> String {
        let (requests, latencies, rejections) = labelled.withLock { ($0.requests, $0.latencies, $0.rejections) }
        var out: [String] = []
        func header(_ name: String, _ type: String, _ help: String) {
            out.append("# HELP \(name) \(help)")
            out.append("# TYPE \(name) \(type)")
        }
        header("lookalike_http_requests_total", "counter", "HTTP requests answered, by method, route and status.")
        for (key, count) in requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out.append("lookalike_http_requests_total{method=\"\(key.method)\",route=\"\(PrometheusText.escape(key.route))\",status=\"\(key.status)\"} \(count)")
        }
        header("lookalike_http_request_duration_seconds", "histogram", "Time from request to response head, by route.")
        for (route, histogram) in latencies.sorted(by: { $0.key < $1.key }) {
            out += histogram.lines(name: "lookalike_http_request_duration_seconds", labels: "route=\"\(PrometheusText.escape(route))\"")
        }
        header("lookalike_rejected_requests_total", "counter", "Requests refused, by error code.")
        for (code, count) in rejections.sorted(by: { $0.key < $1.key }) {
            out.append("lookalike_rejected_requests_total{code=\"\(PrometheusText.escape(code))\"} \(count)")
        }
        header("lookalike_decode_seconds", "histogram", "Time decoding a query image.")
        out += decode.lines(name: "lookalike_decode_seconds")
        header("lookalike_embed_seconds", "histogram", "Time a query spent waiting for and in the model.")
        out += embed.lines(name: "lookalike_embed_seconds")
        header("lookalike_model_call_seconds", "histogram", "Time of one model call (one batch of queries).")
        out += modelCall.lines(name: "lookalike_model_call_seconds")
        header("lookalike_embed_batch_size", "histogram", "Queries embedded per model call.")
        out += batchSize.lines(name: "lookalike_embed_batch_size")
        header("lookalike_search_seconds", "histogram", "Time scanning the vectors and loading the products of one query.")
        out += search.lines(name: "lookalike_search_seconds")
        header("lookalike_model_calls_total", "counter", "Model calls made for queries (each embeds a batch).")
        out.append("lookalike_model_calls_total \(batcher.batches)")
        header("lookalike_embedded_queries_total", "counter", "Query images embedded (one per view of a cleaned-up photo).")
        out.append("lookalike_embedded_queries_total \(batcher.queries)")
        header("lookalike_embed_queue_length", "gauge", "Queries waiting for the model now.")
        out.append("lookalike_embed_queue_length \(batcher.waiting)")
        header("lookalike_catalog_products", "gauge", "Products searchable now.")
        out.append("lookalike_catalog_products \(catalogSize)")
        if let sync {
            header("lookalike_sync_runs_total", "counter", "Catalog syncs finished (serve --sync), with or without error.")
            out.append("lookalike_sync_runs_total \(sync.runs)")
            header("lookalike_sync_errors_total", "counter", "Catalog syncs that could not run (feed unreachable, database down).")
            out.append("lookalike_sync_errors_total \(sync.errors)")
            if let last = sync.last {
                header("lookalike_sync_last_start_timestamp_seconds", "gauge", "When the last sync started (Unix time).")
                out.append("lookalike_sync_last_start_timestamp_seconds \(Int(last.started.timeIntervalSince1970))")
                header("lookalike_sync_last_duration_seconds", "gauge", "How long the last sync took.")
                out.append("lookalike_sync_last_duration_seconds \(String(format: "%.3f", last.seconds))")
                header("lookalike_sync_last_success", "gauge", "1 when the last sync ran, 0 when it could not.")
                out.append("lookalike_sync_last_success \(last.summary == nil ? 0 : 1)")
                if let summary = last.summary {
                    header("lookalike_sync_last_products", "gauge", "What the last sync did to products, by outcome.")
                    for (outcome, count) in [("indexed", summary.indexed), ("unchanged", summary.unchanged),
                                             ("failed", summary.failed), ("removed", summary.removed)] {
                        out.append("lookalike_sync_last_products{outcome=\"\(outcome)\"} \(count)")
                    }
                    header("lookalike_sync_last_images", "gauge", "Images given by URL in the last sync, by outcome.")
                    let d = summary.downloads
                    for (outcome, count) in [("downloaded", d.downloaded), ("not_modified", d.notModified), ("failed", d.failed)] {
                        out.append("lookalike_sync_last_images{outcome=\"\(outcome)\"} \(count)")
                    }
                }
            }
        }
        header("lookalike_thumbnail_cache_bytes", "gauge", "Bytes of thumbnails held in memory.")
        out.append("lookalike_thumbnail_cache_bytes \(thumbnails.bytes)")
        header("lookalike_thumbnail_cache_hits_total", "counter", "Thumbnails served from the cache.")
        out.append("lookalike_thumbnail_cache_hits_total \(thumbnails.hits)")
        header("lookalike_thumbnail_cache_misses_total", "counter", "Thumbnails made anew.")
        out.append("lookalike_thumbnail_cache_misses_total \(thumbnails.misses)")
        header("process_resident_memory_bytes", "gauge", "Resident memory of the server process.")
        out.append("process_resident_memory_bytes \(ProcessMemory.residentBytes())")
        header("process_uptime_seconds", "gauge", "Seconds since the server started.")
        out.append("process_uptime_seconds \(PrometheusText.number((Date().timeIntervalSince(started) * 1000).rounded() / 1000))")
        return out.joined(separator: "\n") + "\n"
    }
}

/// The process's resident memory, from /proc/self/statm.
enum ProcessMemory {
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

import AsyncHTTPClient
import Catalog
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Downloads a catalog's images from the shop's web server into the catalog's image folder, named by
/// content hash: http and https only, bounded concurrency overall and per host, a time limit per attempt,
/// retries with backoff on timeouts, 429 and 5xx (honouring `Retry-After`), a redirect limit, a size cap, and
/// the format told from the bytes. It asks again with the validators of the last download (`If-None-Match`,
/// `If-Modified-Since`), so an unchanged image costs one small request and no download.
public final class RemoteImageFetcher: Sendable {
    private let client: HTTPClient
    private let options: RemoteFetchOptions
    private let slots: HostSlots
    private let cache: RemoteImageCache
    private let counts = Mutex(RemoteFetchCounts())

    /// A fetcher writing into `folder` (the catalog's image folder).
    public init(folder: URL, options: RemoteFetchOptions = .init()) {
        self.options = options
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: options.maxRedirects, allowCycles: false),
            timeout: .init(connect: .milliseconds(Int64(options.connectTimeout * 1000)),
                           read: .milliseconds(Int64(options.requestTimeout * 1000))))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = options.maxPerHost
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        slots = HostSlots(total: options.maxConcurrent, perHost: options.maxPerHost)
        cache = RemoteImageCache(folder: folder)
    }

    /// What the fetcher did so far.
    public var counters: RemoteFetchCounts { counts.withLock { $0 } }

    /// Writes what it learnt of each image (for the next import's conditional requests).
    public func saveCache() throws { try cache.save() }

    /// Closes the connections; call once, when the import is done.
    public func shutdown() async {
        try? cache.save()
        try? await client.shutdown()
    }

    /// The image at `url`: the local copy, downloaded now or kept from an earlier import when the server
    /// says it has not changed.
    public func fetch(_ url: URL) async throws(RemoteFetchError) -> RemoteImage {
        let scheme = url.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw .unsupportedScheme(scheme)
        }
        do {
            return try await slots.withSlot(host: host) { try await attempts(url) }
        } catch let error as RemoteFetchError {
            counts.withLock { $0.failed += 1 }
            throw error
        } catch {
            counts.withLock { $0.failed += 1 }
            throw .network("\(error)")
        }
    }

    /// `fetch`, with its outcome as a value.
    public func fetchResult(_ url: URL) async -> Result<RemoteImage, RemoteFetchError> {
        do throws(RemoteFetchError) {
            return .success(try await fetch(url))
        } catch {
            return .failure(error)
        }
    }

    /// Tries up to 1 + `retries` times, waiting between tries.
    private func attempts(_ url: URL) async throws(RemoteFetchError) -> RemoteImage {
        var attempt = 0
        while true {
            do {
                return try await once(url)
            } catch let failure {
                guard failure.error.isRetryable, attempt < options.retries else { throw failure.error }
                var wait = options.backoff * pow(2, Double(attempt)) * Double.random(in: 0.8 ... 1.2)
                if let asked = failure.retryAfter {
                    guard asked <= options.maxRetryAfter else { throw .retryAfterTooLong(seconds: Int(asked)) }
                    wait = max(asked, 0)
                }
                attempt += 1
                counts.withLock { $0.retried += 1 }
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            }
        }
    }

    /// A failed attempt, with the server's `Retry-After` if it sent one.
    private struct AttemptFailure: Error {
        let error: RemoteFetchError
        var retryAfter: Double?
    }

    private func once(_ url: URL) async throws(AttemptFailure) -> RemoteImage {
        let known = cache.entry(for: url)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(name: "User-Agent", value: "Lookalike catalog import")
        request.headers.add(name: "Accept", value: "image/*")
        if let known {
            if let etag = known.etag { request.headers.add(name: "If-None-Match", value: etag) }
            if let modified = known.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }
        }
        let timeout = options.requestTimeout
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw AttemptFailure(error: .timedOut(seconds: timeout))
        } catch let error as HTTPClientError where error == .redirectCycleDetected {
            throw AttemptFailure(error: .redirects("the redirects go round in a circle"))
        } catch let error as HTTPClientError where error == .redirectLimitReached {
            throw AttemptFailure(error: .redirects("more than \(options.maxRedirects) redirects"))
        } catch {
            throw AttemptFailure(error: .unreachable("\(error)"))
        }
        do {
            if response.status == .notModified, let known {
                counts.withLock { $0.notModified += 1 }
                return RemoteImage(file: cache.path(of: known), contentHash: known.contentHash, notModified: true)
            }
            guard response.status == .ok else {
                throw AttemptFailure(error: .status(Int(response.status.code)),
                                     retryAfter: response.headers.first(name: "Retry-After").flatMap(Self.seconds(retryAfter:)))
            }
            if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > options.maxBytes {
                throw AttemptFailure(error: .tooLarge(limit: options.maxBytes))
            }
            let body: ByteBuffer
            do {
                body = try await response.body.collect(upTo: options.maxBytes)
            } catch is NIOTooManyBytesError {
                throw AttemptFailure(error: .tooLarge(limit: options.maxBytes))
            }
            let bytes = Array(body.readableBytesView)
            guard let fileExtension = ImageSniffer.fileExtension(of: bytes) else {
                let type = response.headers.first(name: "Content-Type") ?? "no type"
                throw AttemptFailure(error: .network("the server sent something that is not an image (\(type), starts with '\(ImageSniffer.printablePrefix(of: bytes))')"))
            }
            let hash = ContentHash.hex(of: Data(bytes))
            let entry = RemoteImageCache.Entry(etag: response.headers.first(name: "ETag"),
                                               lastModified: response.headers.first(name: "Last-Modified"),
                                               contentHash: hash, file: "\(hash).\(fileExtension)")
            let file = cache.path(of: entry)
            if !FileManager.default.fileExists(atPath: file.path) {
                do {
                    try Data(bytes).write(to: file, options: .atomic)
                } catch {
                    throw AttemptFailure(error: .network("cannot write the image into \(cache.folder.path): \(error.localizedDescription)"))
                }
            }
            cache.remember(entry, for: url)
            counts.withLock { $0.downloaded += 1; $0.bytes += bytes.count }
            return RemoteImage(file: file, contentHash: hash, notModified: false)
        } catch let failure as AttemptFailure {
            throw failure
        } catch let error as HTTPClientError {
            switch error {
            case .redirectCycleDetected: throw AttemptFailure(error: .redirects("the redirects go round in a circle"))
            case .redirectLimitReached: throw AttemptFailure(error: .redirects("more than \(options.maxRedirects) redirects"))
            case .deadlineExceeded, .readTimeout, .connectTimeout: throw AttemptFailure(error: .timedOut(seconds: timeout))
            default: throw AttemptFailure(error: .network("\(error)"))
            }
        } catch {
            throw AttemptFailure(error: .network("\(error)"))
        }
    }

    /// `Retry-After` as seconds from now: a number of seconds, or an HTTP date.
    static func seconds(retryAfter value: String) -> Double? {
        if let seconds = Double(value.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}

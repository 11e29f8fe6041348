import AsyncHTTPClient
import Catalog
import Foundation
import NIOCore

/// A catalog source given by http(s) URL (a shop's product feed): downloaded once into a temporary file,
/// read from there like a local one, and deleted afterwards.
public struct RemoteSourceFile: Sendable {
    /// The feed's URL.
    public let url: URL
    /// The downloaded copy, named like the URL's last path component (so `.jsonl` stays `.jsonl`).
    public let file: URL

    /// The largest feed downloaded.
    public static let maxBytes = 1 << 30

    /// Whether `spec` is an http(s) URL rather than a path.
    public static func isURL(_ spec: String) -> Bool {
        let lowered = spec.lowercased()
        return (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) && URL(string: spec)?.host != nil
    }

    /// Downloads `url` (up to 3 retries on timeouts, 429 and 5xx; redirects followed, at most 5).
    public static func download(_ url: URL, timeout: Double = 300) async throws(RemoteFetchError) -> RemoteSourceFile {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-feed-\(UUID().uuidString)")
        let name = url.lastPathComponent.isEmpty || url.lastPathComponent == "/" ? "feed" : url.lastPathComponent
        let file = folder.appendingPathComponent(AssetName.fileName(for: name))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            redirectConfiguration: .follow(max: 5, allowCycles: false), timeout: .init(connect: .seconds(10), read: .seconds(60))))
        defer { Task { try? await client.shutdown() } }
        var failure = RemoteFetchError.network("no attempt")
        for attempt in 0 ... 3 {
            if attempt > 0 { try? await Task.sleep(for: .seconds(Double(attempt))) }
            do {
                var request = HTTPClientRequest(url: url.absoluteString)
                request.headers.add(name: "User-Agent", value: "Lookalike catalog import")
                let response = try await client.execute(request, timeout: .seconds(Int64(timeout)))
                guard response.status == .ok else {
                    failure = .status(Int(response.status.code))
                    if failure.isRetryable { continue } else { break }
                }
                let body = try await response.body.collect(upTo: maxBytes)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(body.readableBytesView).write(to: file)
                return RemoteSourceFile(url: url, file: file)
            } catch is NIOTooManyBytesError {
                failure = .tooLarge(limit: maxBytes)
                break
            } catch let error as HTTPClientError where error == .redirectCycleDetected || error == .redirectLimitReached {
                failure = .redirects("the redirects go round in a circle or are too many")
                break
            } catch {
                failure = .network("\(error)")
            }
        }
        throw failure
    }

    /// Deletes the downloaded copy.
    public func remove() {
        try? FileManager.default.removeItem(at: file.deletingLastPathComponent())
    }
}

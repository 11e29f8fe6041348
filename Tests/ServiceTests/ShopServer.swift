import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A shop's web server for tests, on a loopback port: serves a product feed and its images, some of them
/// faulty on purpose, answers conditional requests, and counts what it served.
final class ShopServer: Sendable {
    /// An image the server holds: its bytes and a version (the ETag) bumped when they change.
    struct Image: Sendable {
        var bytes: [UInt8]
        var version = 1
    }

    private let images: Mutex<[String: Image]>
    private let feed = Mutex("")
    /// Per path, the statuses answered.
    private let answers = Mutex<[String: [Int]]>([:])
    /// Calls of each faulty path so far.
    private let calls = Mutex<[String: Int]>([:])

    init(images: [String: [UInt8]]) {
        self.images = Mutex(images.mapValues { Image(bytes: $0) })
    }

    /// Sets the feed served at /feed.xml.
    func setFeed(_ text: String) { feed.withLock { $0 = text } }

    /// Replaces an image's bytes (its ETag changes).
    func replace(_ name: String, with bytes: [UInt8]) {
        images.withLock { $0[name] = Image(bytes: bytes, version: ($0[name]?.version ?? 0) + 1) }
    }

    /// How many times `path` was answered with `status` (any status when nil).
    func count(_ path: String, status: Int? = nil) -> Int {
        answers.withLock { $0[path, default: []].filter { status == nil || $0 == status }.count }
    }

    /// Full image downloads (200) of every /img/ path.
    var imageDownloads: Int {
        answers.withLock { $0.filter { $0.key.hasPrefix("/img/") }.values.map { $0.filter { $0 == 200 }.count }.reduce(0, +) }
    }

    /// Forgets the counts.
    func resetCounts() { answers.withLock { $0 = [:] } }

    private func note(_ path: String, _ status: HTTPResponse.Status) -> HTTPResponse.Status {
        answers.withLock { $0[path, default: []].append(status.code) }
        return status
    }

    private func nthCall(_ path: String) -> Int { calls.withLock { $0[path, default: 0] += 1; return $0[path]! } }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("feed.xml") { _, _ in
            Response(status: self.note("/feed.xml", .ok), headers: [.contentType: "application/xml"],
                     body: .init(byteBuffer: ByteBuffer(string: self.feed.withLock { $0 })))
        }
        router.get("img/:name") { request, context -> Response in
            let name = try context.parameters.require("name")
            return self.imageResponse("/img/\(name)", name, request)
        }
        // Faults.
        router.get("fault/missing.jpg") { _, _ in Response(status: self.note("/fault/missing.jpg", .notFound)) }
        router.get("fault/flaky.jpg") { request, _ -> Response in
            // 500 the first time, then the image.
            if self.nthCall("flaky") == 1 { return Response(status: self.note("/fault/flaky.jpg", .internalServerError)) }
            return self.imageResponse("/fault/flaky.jpg", "flaky.jpg", request)
        }
        router.get("fault/busy.jpg") { request, _ -> Response in
            if self.nthCall("busy") == 1 {
                return Response(status: self.note("/fault/busy.jpg", .tooManyRequests), headers: [.retryAfter: "1"])
            }
            return self.imageResponse("/fault/busy.jpg", "busy.jpg", request)
        }
        router.get("fault/very-busy.jpg") { _, _ in
            Response(status: self.note("/fault/very-busy.jpg", .tooManyRequests), headers: [.retryAfter: "3600"])
        }
        router.get("fault/slow.jpg") { request, _ -> Response in
            try await Task.sleep(for: .seconds(4))
            return self.imageResponse("/fault/slow.jpg", "slow.jpg", request)
        }
        router.get("fault/truncated.jpg") { _, _ -> Response in
            // The body breaks off: a stream that fails after its first part.
            let bytes = self.images.withLock { $0["truncated.jpg"]?.bytes ?? [] }
            _ = self.note("/fault/truncated.jpg", .ok)
            return Response(status: .ok, headers: [.contentType: "image/jpeg"], body: ResponseBody { writer in
                try await writer.write(ByteBuffer(bytes: bytes.prefix(bytes.count / 3)))
                throw CancellationError()
            })
        }
        router.get("fault/page.jpg") { _, _ in
            Response(status: self.note("/fault/page.jpg", .ok), headers: [.contentType: "image/jpeg"],
                     body: .init(byteBuffer: ByteBuffer(string: "<!DOCTYPE html><html><body>Not found</body></html>")))
        }
        router.get("fault/loop-a.jpg") { _, _ in
            Response(status: self.note("/fault/loop-a.jpg", .found), headers: [.location: "/fault/loop-b.jpg"])
        }
        router.get("fault/loop-b.jpg") { _, _ in
            Response(status: self.note("/fault/loop-b.jpg", .found), headers: [.location: "/fault/loop-a.jpg"])
        }
        router.get("fault/huge.jpg") { _, _ in
            let bytes = self.images.withLock { $0["huge.jpg"]?.bytes ?? [] }
            return Response(status: self.note("/fault/huge.jpg", .ok), headers: [.contentType: "image/jpeg"],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        return router
    }

    /// An image with its ETag, or 304 when the request names that ETag.
    private func imageResponse(_ path: String, _ name: String, _ request: Request) -> Response {
        guard let image = images.withLock({ $0[name] }) else { return Response(status: note(path, .notFound)) }
        let etag = "\"v\(image.version)\""
        if request.headers[.ifNoneMatch] == etag { return Response(status: note(path, .notModified), headers: [.eTag: etag]) }
        return Response(status: note(path, .ok), headers: [.contentType: "image/jpeg", .eTag: etag],
                        body: .init(byteBuffer: ByteBuffer(bytes: image.bytes)))
    }

    /// Runs the server for `body`, which gets its base URL, and stops it afterwards.
    func run(_ body: (String) async throws -> Void) async throws {
        let bound = Mutex<Int?>(nil)
        var logger = Logger(label: "shop-server")
        logger.logLevel = .warning
        let app = Application(router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in bound.withLock { $0 = channel.localAddress?.port } },
                              logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task { try await group.run() }
        do {
            let deadline = ContinuousClock.now + .seconds(20)
            while bound.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            guard let port = bound.withLock({ $0 }) else { throw CancellationError() }
            try await body("http://127.0.0.1:\(port)")
        } catch {
            await group.triggerGracefulShutdown()
            _ = await server.result
            throw error
        }
        await group.triggerGracefulShutdown()
        _ = await server.result
    }
}

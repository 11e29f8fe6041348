import Foundation
import TestSupport
import Web
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The deadlines and the cap that keep idle and slow clients from holding the server: a silent
/// connection is closed, a slow head or body gets 408, HTTP/1.0 without keep-alive is closed after its
/// response, connections beyond the cap are closed at once, and a search still works with hundreds of
/// slow clients connected.
final class ConnectionLimitTests: TimedTestCase {
    func testIdleConnectionsAreClosed() async throws {
        try await LiveServer.run({ $0.connections.idleTimeout = .seconds(1) }) { port in
            let (silent, silentSeconds, response, afterResponse) = try await RawConnection.offPool {
                let silent = try RawConnection(port: port)
                let started = Date()
                let silentRead = silent.read(timeout: 10)
                let silentSeconds = Date().timeIntervalSince(started)
                // A keep-alive connection is closed the same way once it has been quiet after a response.
                let kept = try RawConnection(port: port)
                try kept.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
                let response = kept.readResponse(timeout: 10)
                return (silentRead, silentSeconds, response, kept.read(timeout: 10))
            }
            XCTAssertTrue(silent.closed, "a connection that sends nothing stays open")
            XCTAssertLessThan(silentSeconds, 6)
            XCTAssertTrue(response.text.hasPrefix("HTTP/1.1 200"), response.text)
            XCTAssertFalse(response.closed, "the connection is kept alive after the response")
            XCTAssertTrue(afterResponse.closed, "a quiet keep-alive connection stays open")
        }
    }

    func testARequestHeadThatDoesNotCompleteGets408() async throws {
        try await LiveServer.run({ $0.connections.headTimeout = .seconds(1) }) { port in
            let (half, halfSeconds, dripped, lateStarter) = try await RawConnection.offPool {
                // Half a head, then nothing.
                let half = try RawConnection(port: port)
                let started = Date()
                try half.send("GET /healthz HTTP/1.1\r\nHost: test\r\n")
                let halfRead = half.read(timeout: 10)
                let halfSeconds = Date().timeIntervalSince(started)
                // A head dripped a byte at a time: progress does not extend its deadline.
                let drip = try RawConnection(port: port)
                var dripRead = RawConnection.Received(text: "", closed: false)
                for byte in "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: 1234567890123456789012345678901234567890\r\n" {
                    // What arrives is kept across reads; a cut connection still has the answer to read.
                    let sent = (try? drip.send(String(byte))) != nil
                    let read = drip.read(timeout: sent ? 0.2 : 1)
                    dripRead = RawConnection.Received(text: dripRead.text + read.text, closed: read.closed || !sent)
                    if dripRead.closed { break }
                }
                // The deadline starts at the head's first byte, not when the connection opens.
                let late = try RawConnection(port: port)
                Thread.sleep(forTimeInterval: 2)
                try late.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
                return (halfRead, halfSeconds, dripRead, late.readResponse(timeout: 10))
            }
            XCTAssertTrue(half.closed, "a half-sent head keeps its connection open")
            XCTAssertTrue(half.text.hasPrefix("HTTP/1.1 408"), half.text)
            XCTAssertTrue(half.text.contains(#""code":"request_timeout""#), half.text)
            XCTAssertLessThan(halfSeconds, 6)
            XCTAssertTrue(dripped.closed, "a head dripped byte by byte is never cut")
            XCTAssertTrue(dripped.text.hasPrefix("HTTP/1.1 408"), dripped.text)
            XCTAssertTrue(lateStarter.text.hasPrefix("HTTP/1.1 200"), lateStarter.text)
            let metrics = try LiveServer.curl(["http://127.0.0.1:\(port)/metrics"]).body
            XCTAssertTrue(metrics.contains(#"lookalike_rejected_requests_total{code="request_timeout"} 2"#), metrics)
        }
    }

    func testATricklingBodyIsCutWith408() async throws {
        try await LiveServer.run({
            $0.connections.bodyTimeout = .seconds(1)
            $0.connections.minimumBodyRate = 1000
        }) { port in
            let (trickled, seconds, steady) = try await RawConnection.offPool {
                // 100 kB announced, 50 bytes every 0.2 s (250 B/s, under the 1000 B/s that earns more time).
                let slow = try RawConnection(port: port)
                let started = Date()
                try slow.send("POST /api/search HTTP/1.1\r\nHost: test\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n")
                var received = RawConnection.Received(text: "", closed: false)
                while Date().timeIntervalSince(started) < 15 {
                    if (try? slow.send(String(repeating: "x", count: 50))) == nil { break }
                    let read = slow.read(timeout: 0.2)
                    received.text += read.text
                    if read.closed { received.closed = true; break }
                }
                let seconds = Date().timeIntervalSince(started)
                // 4 kB at about 2.5 kB/s: slow, but fast enough to earn the time it needs.
                let steady = try RawConnection(port: port)
                try steady.send("POST /api/search HTTP/1.1\r\nHost: test\r\nContent-Type: image/jpeg\r\nContent-Length: 4000\r\n\r\n")
                for _ in 0 ..< 8 {
                    try steady.send(String(repeating: "x", count: 500))
                    Thread.sleep(forTimeInterval: 0.2)
                }
                return (received, seconds, steady.readResponse(timeout: 10))
            }
            XCTAssertTrue(trickled.closed, "a trickling body keeps its connection open")
            XCTAssertTrue(trickled.text.hasPrefix("HTTP/1.1 408"), trickled.text)
            XCTAssertTrue(trickled.text.contains(#""code":"request_timeout""#), trickled.text)
            XCTAssertLessThan(seconds, 8)
            XCTAssertTrue(steady.text.hasPrefix("HTTP/1.1 415"), "the steady upload is answered (not an image): \(steady.text)")
            let metrics = try LiveServer.curl(["http://127.0.0.1:\(port)/metrics"]).body
            XCTAssertTrue(metrics.contains(#"lookalike_rejected_requests_total{code="request_timeout"} 1"#), metrics)
            XCTAssertTrue(metrics.contains(#"route="/api/search",status="408"} 1"#), metrics)
        }
    }

    func testHTTP10WithoutKeepAliveIsClosedAfterTheResponse() async throws {
        try await LiveServer.run { port in
            let (plain, keptAlive, second, closeRequested) = try await RawConnection.offPool {
                let plain = try RawConnection(port: port)
                try plain.send("GET /healthz HTTP/1.0\r\n\r\n")
                let plainRead = plain.read(timeout: 10)
                let kept = try RawConnection(port: port)
                try kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let keptRead = kept.readResponse(timeout: 10)
                try kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let secondRead = kept.readResponse(timeout: 10)
                let closing = try RawConnection(port: port)
                try closing.send("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: Close\r\n\r\n")
                return (plainRead, keptRead, secondRead, closing.read(timeout: 10))
            }
            XCTAssertTrue(plain.closed, "an HTTP/1.0 connection without keep-alive stays open: \(plain.text)")
            XCTAssertTrue(plain.text.hasPrefix("HTTP/1.0 200"), plain.text)
            XCTAssertTrue(plain.text.lowercased().contains("connection: close"), plain.text)
            XCTAssertTrue(keptAlive.text.hasPrefix("HTTP/1.0 200"), keptAlive.text)
            XCTAssertTrue(keptAlive.text.lowercased().contains("connection: keep-alive"), keptAlive.text)
            XCTAssertFalse(keptAlive.closed)
            XCTAssertTrue(second.text.hasPrefix("HTTP/1.0 200"), "a second request on the kept connection: \(second.text)")
            XCTAssertTrue(closeRequested.closed, "Connection: Close (any case) keeps the connection open")
            XCTAssertTrue(closeRequested.text.hasPrefix("HTTP/1.1 200"), closeRequested.text)
        }
    }

    func testAtTheCapANewConnectionReplacesTheOneIdleLongest() async throws {
        try await LiveServer.run({ $0.connections.maxConnections = 4 }) { port in
            let (answer, oldestClosed, othersOpen) = try await RawConnection.offPool {
                var idle: [RawConnection] = []
                for _ in 0 ..< 4 {
                    idle.append(try RawConnection(port: port))
                    Thread.sleep(forTimeInterval: 0.05)
                }
                Thread.sleep(forTimeInterval: 0.2)
                let newcomer = try RawConnection(port: port)
                try newcomer.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
                let answer = newcomer.readResponse(timeout: 10)
                let oldestClosed = idle[0].read(timeout: 5).closed
                return (answer, oldestClosed, idle.dropFirst().filter { !$0.isClosedByServer }.count)
            }
            XCTAssertTrue(answer.text.hasPrefix("HTTP/1.1 200"), "idle connections keep a new client out: \(answer.text)")
            XCTAssertTrue(oldestClosed, "the connection idle longest makes room")
            XCTAssertEqual(othersOpen, 3, "only one idle connection is closed")
        }
    }

    func testAtTheCapWithNoIdleConnectionANewOneIsClosedAtOnce() async throws {
        try await LiveServer.run({ $0.connections.maxConnections = 4 }) { port in
            let beyond = try await RawConnection.offPool {
                // Four uploads in progress: half their bodies sent.
                var busy: [RawConnection] = []
                for _ in 0 ..< 4 {
                    let connection = try RawConnection(port: port)
                    try connection.send("POST /api/search HTTP/1.1\r\nHost: test\r\nContent-Type: image/jpeg\r\n"
                        + "Content-Length: 1000\r\n\r\n" + String(repeating: "x", count: 500))
                    busy.append(connection)
                }
                Thread.sleep(forTimeInterval: 0.3)
                let extra = try RawConnection(port: port)
                try? extra.send("GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
                let beyond = extra.read(timeout: 10)
                busy.forEach { $0.close() }
                return beyond
            }
            XCTAssertTrue(beyond.closed, "the connection beyond the cap is left open")
            XCTAssertEqual(beyond.text, "", "the connection beyond the cap got an answer")
            // Once the uploads are gone, requests are served again.
            var status = 0
            for _ in 0 ..< 50 where status != 200 {
                status = try LiveServer.curl(["http://127.0.0.1:\(port)/healthz"]).status
                if status != 200 { try await Task.sleep(for: .milliseconds(100)) }
            }
            XCTAssertEqual(status, 200)
            let metrics = try LiveServer.curl(["http://127.0.0.1:\(port)/metrics"]).body
            XCTAssertTrue(metrics.contains(#"lookalike_rejected_requests_total{code="too_many_connections"} 1"#), metrics)
        }
    }

    func testTheCapStaysBelowTheDescriptorLimit() {
        var limits = ConnectionLimits()
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: 20_000), 512)
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: nil), 512)
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: 256), 192, "64 descriptors (a quarter) stay free")
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: 1024), 512)
        XCTAssertEqual(limits.effectiveMaxConnections(descriptorLimit: 600), 450)
        limits.maxConnections = 0
        XCTAssertNil(limits.effectiveMaxConnections(descriptorLimit: 256))
    }

    /// The must-show of issue 17: with 500 slow clients connected (each holding half a request head and
    /// adding a byte a second), a normal search still succeeds, nearly as fast as on an idle server, and
    /// the slow clients are cut by the head deadline.
    func testASearchSucceedsWithFiveHundredSlowClientsConnected() async throws {
        let slowCount = Self.raiseDescriptorLimit(toHold: 500)
        let photo = WebFixtures.photos.appendingPathComponent("china.jpg").path
        try await LiveServer.run({ $0.connections.headTimeout = .seconds(15) }) { port in
            let search = ["-F", "image=@\(photo)", "http://127.0.0.1:\(port)/api/search"]
            _ = try LiveServer.curl(search)  // Warm-up: the first search compiles the batcher's paths.
            var idle: [Double] = []
            for _ in 0 ..< 7 {
                let result = try LiveServer.curl(search)
                XCTAssertEqual(result.status, 200, result.body)
                idle.append(result.seconds)
            }
            let slow = try await RawConnection.offPool {
                try (0 ..< slowCount).map { _ in
                    let connection = try RawConnection(port: port)
                    try connection.send("POST /api/search HTTP/1.1\r\nHost: test\r\nContent-Type: image/jpeg\r\n")
                    return connection
                }
            }
            let dripping = Task.detached {
                while !Task.isCancelled {
                    for connection in slow { try? connection.send("X") }
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            var loaded: [Double] = []
            for _ in 0 ..< 7 {
                let result = try LiveServer.curl(search)
                XCTAssertEqual(result.status, 200, "a search with \(slowCount) slow clients connected: \(result.body)")
                loaded.append(result.seconds)
            }
            let stillOpen = slow.filter { !$0.isClosedByServer }.count
            dripping.cancel()
            _ = await dripping.result
            let idleMedian = Self.median(idle), loadedMedian = Self.median(loaded)
            print("search latency, median of \(idle.count): idle \(Self.milliseconds(idleMedian)) ms; with \(stillOpen) of \(slowCount) "
                + "slow clients connected \(Self.milliseconds(loadedMedian)) ms (ratio \(String(format: "%.2f", loadedMedian / idleMedian)))")
            XCTAssertEqual(stillOpen, slowCount, "the slow clients were connected while the searches ran")
            // The head deadline cuts every slow client, with a 408.
            let cut = try await RawConnection.offPool {
                let deadline = Date().addingTimeInterval(30)
                return slow.map { $0.read(timeout: max(0.1, deadline.timeIntervalSinceNow)) }
            }
            XCTAssertEqual(cut.filter(\.closed).count, slowCount, "slow clients are never cut")
            XCTAssertEqual(cut.filter { $0.text.hasPrefix("HTTP/1.1 408") }.count, slowCount)
            slow.forEach { $0.close() }
        }
    }

    /// Raises the soft descriptor limit toward the hard one so `count` client sockets and the server's
    /// ends of them fit; returns how many slow clients fit.
    static func raiseDescriptorLimit(toHold count: Int) -> Int {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return count }
        let wanted = rlim_t(2 * count + 512)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = min(limit.rlim_max, wanted)
            _ = setrlimit(resource, &limit)
            _ = getrlimit(resource, &limit)
        }
        return min(count, max(10, (Int(clamping: limit.rlim_cur) - 512) / 2))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func milliseconds(_ seconds: Double) -> String { String(format: "%.0f", seconds * 1000) }
}

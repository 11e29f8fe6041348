import Foundation
import NIOCore
import TestSupport
@testable import Web
import XCTest

/// The per-client rate limit of the search routes: a client past its burst gets 429 with `Retry-After`
/// and the API's JSON error while other clients go on; buckets refill, and their table stays bounded.
final class RateLimitTests: TimedTestCase {
    func testABurstPastTheLimitIs429AndOtherClientsGoOn() async throws {
        try await LiveServer.run({
            $0.rateLimit.requestsPerSecond = 0.5
            $0.rateLimit.burst = 3
            $0.rateLimit.exemptLoopback = false
        }) { port in
            let similar = "http://127.0.0.1:\(port)/api/products/test-1/similar"
            let statuses = try (0 ..< 3).map { _ in try LiveServer.curl([similar]).status }
            XCTAssertEqual(statuses, [200, 200, 200])
            let limited = try LiveServer.curl(["-i", similar])
            XCTAssertEqual(limited.status, 429, limited.body)
            let retryAfter = limited.body.split(separator: "\r\n").first { $0.lowercased().hasPrefix("retry-after:") }
                .flatMap { Int($0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") }
            XCTAssertNotNil(retryAfter, limited.body)
            XCTAssertGreaterThanOrEqual(retryAfter ?? 0, 1)
            XCTAssertTrue(limited.body.contains(#"{"error":{"code":"rate_limited","message":"#), limited.body)
            // Searches share the client's bucket.
            let photo = WebFixtures.photos.appendingPathComponent("china.jpg").path
            let search = try LiveServer.curl(["-F", "image=@\(photo)", "http://127.0.0.1:\(port)/api/search"])
            XCTAssertEqual(search.status, 429, search.body)
            // Another address is not limited, and routes other than the searches are not either.
            XCTAssertEqual(try LiveServer.curl(["--interface", "127.0.0.2", similar]).status, 200)
            XCTAssertEqual(try LiveServer.curl(["http://127.0.0.1:\(port)/api/products/test-1"]).status, 200)
            let metrics = try LiveServer.curl(["http://127.0.0.1:\(port)/metrics"]).body
            XCTAssertTrue(metrics.contains(#"lookalike_rejected_requests_total{code="rate_limited"} 2"#), metrics)
        }
    }

    func testThisMachineIsExemptByDefault() async throws {
        try await LiveServer.run({ $0.rateLimit.burst = 2 }) { port in
            let statuses = try (0 ..< 6).map { _ in try LiveServer.curl(["http://127.0.0.1:\(port)/api/products/test-1/similar"]).status }
            XCTAssertEqual(statuses, Array(repeating: 200, count: 6))
        }
    }

    func testBucketsRefillAndSayWhenToRetry() {
        let buckets = TokenBuckets(rate: 2, capacity: 3, maxClients: 100)
        let client = ClientAddress(ipv4: [203, 0, 113, 7])
        let start = ContinuousClock.now
        XCTAssertEqual((0 ..< 3).map { _ in buckets.take(client, now: start) }, [.allowed, .allowed, .allowed])
        XCTAssertEqual(buckets.take(client, now: start), .limited(retryAfter: 1))
        XCTAssertEqual(buckets.take(client, now: start + .milliseconds(250)), .limited(retryAfter: 1))
        XCTAssertEqual(buckets.take(client, now: start + .milliseconds(600)), .allowed, "half a second refills one token")
        XCTAssertEqual(buckets.take(client, now: start + .milliseconds(600)), .limited(retryAfter: 1))
        XCTAssertEqual(buckets.take(ClientAddress(ipv4: [203, 0, 113, 8]), now: start), .allowed, "another client has its own bucket")
        let slow = TokenBuckets(rate: 0.1, capacity: 1, maxClients: 100)
        XCTAssertEqual(slow.take(client, now: start), .allowed)
        XCTAssertEqual(slow.take(client, now: start), .limited(retryAfter: 10))
    }

    func testTheTableStaysBounded() {
        let buckets = TokenBuckets(rate: 1, capacity: 2, maxClients: 10)
        let start = ContinuousClock.now
        let busy = ClientAddress(ipv4: [198, 51, 100, 1])
        _ = buckets.take(busy, now: start)
        _ = buckets.take(busy, now: start)
        for index in 0 ..< 1000 {
            _ = buckets.take(ClientAddress(ipv4: [10, 0, UInt8(index / 256), UInt8(index % 256)]), now: start + .milliseconds(index))
            XCTAssertLessThanOrEqual(buckets.count, 10)
        }
        // Buckets full again go first: a client that used its burst is still remembered while it refills,
        // though it is not the newest.
        let table = TokenBuckets(rate: 1, capacity: 2, maxClients: 3)
        _ = table.take(ClientAddress(ipv4: [10, 0, 0, 1]), now: start)
        _ = table.take(ClientAddress(ipv4: [10, 0, 0, 2]), now: start)
        _ = table.take(busy, now: start + .milliseconds(900))
        _ = table.take(busy, now: start + .milliseconds(900))
        XCTAssertEqual(table.take(ClientAddress(ipv4: [10, 0, 0, 3]), now: start + .seconds(1)), .allowed)
        XCTAssertEqual(table.count, 2, "the two full buckets were dropped")
        XCTAssertEqual(table.take(busy, now: start + .seconds(1)), .limited(retryAfter: 1), "the busy client's bucket was dropped")
    }

    func testClientsAreAddressesOrIPv6Networks() throws {
        func client(_ ip: String) throws -> ClientAddress? { ClientAddress(try SocketAddress(ipAddress: ip, port: 1)) }
        XCTAssertEqual(try client("::ffff:192.0.2.1"), try client("192.0.2.1"), "an IPv4-mapped address is the IPv4 client")
        XCTAssertEqual(try client("2001:db8:1:2::1"), try client("2001:db8:1:2:ffff::9"), "one /64 is one client")
        XCTAssertNotEqual(try client("2001:db8:1:2::1"), try client("2001:db8:1:3::1"))
        XCTAssertNotEqual(try client("192.0.2.1"), try client("192.0.2.2"))
        XCTAssertEqual(try client("127.0.0.1")?.isLoopback, true)
        XCTAssertEqual(try client("127.9.9.9")?.isLoopback, true)
        XCTAssertEqual(try client("::1")?.isLoopback, true)
        XCTAssertEqual(try client("::ffff:127.0.0.1")?.isLoopback, true)
        XCTAssertEqual(try client("192.0.2.1")?.isLoopback, false)
        XCTAssertEqual(try client("2001:db8::1")?.isLoopback, false)
    }
}

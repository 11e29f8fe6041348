import Catalog
import TestSupport
import XCTest

/// `withDeadline`, which bounds every PostgreSQL statement: the caller gets its answer, or the deadline's
/// error on time even when the work ignores cancellation, or a cancellation error when it is cancelled.
final class DeadlineTests: TimedTestCase {
    private struct Expired: Error {}

    func testReturnsTheBodysValueBeforeTheDeadline() async throws {
        let value = try await withDeadline(.seconds(5), expired: { Expired() }) { 42 }
        XCTAssertEqual(value, 42)
    }

    func testPassesTheBodysErrorThrough() async {
        struct Failed: Error {}
        do {
            _ = try await withDeadline(.seconds(5), expired: { Expired() }) { () async throws -> Int in throw Failed() }
            XCTFail("expected the body's error")
        } catch {
            XCTAssertTrue(error is Failed, "\(error)")
        }
    }

    func testReturnsAtTheDeadlineEvenWhenTheBodyIgnoresCancellation() async {
        let started = ContinuousClock.now
        do {
            _ = try await withDeadline(.milliseconds(200), expired: { Expired() }) { () async throws -> Int in
                // Work that never looks at cancellation and would take 3 s (a silent socket, say).
                usleep(3_000_000)
                return 1
            }
            XCTFail("expected the deadline's error")
        } catch {
            XCTAssertTrue(error is Expired, "\(error)")
        }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
    }

    func testCancellingTheCallerEndsTheWait() async {
        let task = Task {
            try await withDeadline(.seconds(30), expired: { Expired() }) { () async throws -> Int in
                try await Task.sleep(for: .seconds(30))
                return 1
            }
        }
        try? await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let result = await task.result
        XCTAssertThrowsError(try result.get()) { XCTAssertTrue($0 is CancellationError, "\($0)") }
    }
}

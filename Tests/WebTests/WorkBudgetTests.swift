import EmbeddingTesting
import Foundation
import TestSupport
@testable import Web
import XCTest

/// Work past the request's budget is answered 503 `timeout` at the deadline, not when the work ends.
final class WorkBudgetTests: TimedTestCase {
    func testWorkPastTheBudgetIsA503AtTheDeadline() async throws {
        let (service, _) = try await WebFixtures.photoCatalog(self, photos: ["coffee.png"], embedder: PixelEmbedder())
        var options = WebOptions()
        options.cpuThreads = 2
        options.workBudget = .milliseconds(200)
        let app = try WebApp(service: service, options: options)
        let started = ContinuousClock.now
        do {
            _ = try await app.onWorkers { () -> Int in
                busy(seconds: 0.8)  // a decode or scan that runs long
                return 1
            }
            XCTFail("work past the budget must fail")
        } catch let error as APIError {
            XCTAssertEqual(error.status, .serviceUnavailable)
            XCTAssertEqual(error.code, "timeout")
            XCTAssertTrue(error.message.contains("(0.2 s)"), error.message)
        }
        XCTAssertLessThan(ContinuousClock.now - started, .milliseconds(700), "answered at the deadline")
        let quick = try await app.onWorkers { 7 }
        XCTAssertEqual(quick, 7, "work within the budget answers as before (on the pool's other thread)")
    }
}

/// Blocks the calling thread, as CPU-bound work does.
private func busy(seconds: Double) {
    usleep(UInt32(seconds * 1_000_000))
}

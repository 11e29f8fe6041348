import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport
@testable import Web
import XCTest

/// `/readyz` says whether searches can be answered: model, catalog and a database that answers in time.
final class ReadinessTests: TimedTestCase {
    func testReadyWhenModelCatalogAndDatabaseAnswer() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            XCTAssertEqual(response.status, .ok, response.text)
            let object = try response.object()
            XCTAssertEqual(object["status"] as? String, "ready")
            XCTAssertEqual(object["products"] as? Int, 200)
            XCTAssertEqual(object["checks"] as? [String: String], ["model": "ok", "catalog": "ok", "database": "ok"])
            XCTAssertEqual(response.headers[.cacheControl], "no-store")
        }
    }

    func testADatabaseThatFailsOrHangsIsNotReady() async throws {
        struct Down: Error {}
        let logger = Logger(label: "test")
        let failing = await HealthController.databaseState(within: .seconds(1), logger: logger) { throw Down() }
        XCTAssertEqual(failing, "unreachable")
        let started = ContinuousClock.now
        let hanging = await HealthController.databaseState(within: .milliseconds(200), logger: logger) {
            // A database that never answers and ignores cancellation (a silent socket).
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + 5) { continuation.resume() }
            }
            return 1
        }
        XCTAssertEqual(hanging, "no answer within 0.2 s")
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(2), "the check ends at its deadline")
        let fine = await HealthController.databaseState(within: .seconds(1), logger: logger) { 3 }
        XCTAssertEqual(fine, "ok")
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import TestSupport
@testable import Web
import XCTest

/// Every answer carries its request id, and JSON log lines are one parseable object each.
final class RequestLogTests: TimedTestCase {
    func testEveryAnswerCarriesARequestIDAndAClientsPlainIDIsEchoed() async throws {
        let service = try await WebFixtures.fashionCatalog()
        try await WebFixtures.app(service).test(.router) { client in
            let generated = try await client.execute(uri: "/healthz", method: .get)
            let id = try XCTUnwrap(generated.headers[.xRequestID])
            XCTAssertFalse(id.isEmpty)
            let other = try await client.execute(uri: "/healthz", method: .get)
            XCTAssertNotEqual(other.headers[.xRequestID], id, "each request has its own id")

            let echoed = try await client.execute(uri: "/api/products/none", method: .get, headers: [.xRequestID: "shop-req.42"])
            XCTAssertEqual(echoed.status, .notFound)
            XCTAssertEqual(echoed.headers[.xRequestID], "shop-req.42", "errors carry the id too")
            let refused = try await client.execute(uri: "/healthz", method: .get, headers: [.xRequestID: "<script>"])
            XCTAssertNotEqual(refused.headers[.xRequestID], "<script>", "arbitrary client text is never echoed")
            XCTAssertNotNil(refused.headers[.xRequestID])
        }
    }

    func testJSONLinesCarryLevelMessageAndMetadata() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "lookalike.web") { label in
            JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "request_id"] = "abc"
        logger.info("request", metadata: ["status": "200", "path": "/api/search"])
        logger.debug("not written at info")
        let written = lines.withLock { $0 }
        XCTAssertEqual(written.count, 1)
        XCTAssertTrue(written[0].hasSuffix("\n"))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: String])
        XCTAssertEqual(object["level"], "info")
        XCTAssertEqual(object["message"], "request")
        XCTAssertEqual(object["label"], "lookalike.web")
        XCTAssertEqual(object["request_id"], "abc")
        XCTAssertEqual(object["status"], "200")
        XCTAssertEqual(object["path"], "/api/search")
        XCTAssertNotNil(object["time"].flatMap { ISO8601DateFormatter.withFractions.date(from: $0) })
    }
}

private extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFractions: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}

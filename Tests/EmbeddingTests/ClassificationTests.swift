import Embedding
import Imaging
import TestSupport
import XCTest

/// The converted ImageNet weights really see: real photos get their real classes.
final class ClassificationTests: TimedTestCase {
    func checkClasses(model: String, precision: Precision) throws {
        let embedder = try SharedModels.embedder(model, precision: precision)
        XCTAssertEqual(embedder.labels.count, 1000)
        let images = try ["chelsea.png", "coffee.png"].map { try embedder.decode(Paths.photo($0)) }
        let top = try embedder.classify(images, top: 5)
        XCTAssertEqual(top[0].first?.index, 285, "\(model) \(precision): chelsea → \(top[0])")
        XCTAssertEqual(top[0].first?.label, "Egyptian cat")
        XCTAssertEqual(top[1].first?.index, 967, "\(model) \(precision): coffee → \(top[1])")
        XCTAssertEqual(top[1].first?.label, "espresso")
        for scores in top {
            XCTAssertEqual(scores.count, 5)
            XCTAssertEqual(scores.map(\.score), scores.map(\.score).sorted(by: >))
        }
    }

    func testLite0F32() throws { try checkClasses(model: "efficientnet-lite0", precision: .f32) }
    func testLite0BF16() throws { try checkClasses(model: "efficientnet-lite0", precision: .bf16) }
    func testLite2F32() throws { try checkClasses(model: "efficientnet-lite2", precision: .f32) }
    func testLite2BF16() throws { try checkClasses(model: "efficientnet-lite2", precision: .bf16) }
}

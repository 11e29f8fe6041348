import Embedding
import Foundation
import Imaging
import XCTest

/// Embeddings are normalised, deterministic, batch-independent, rotation-aware and thread-safe.
final class EmbedderBehaviourTests: XCTestCase {
    var embedder: Embedder!

    override func setUpWithError() throws {
        embedder = try SharedModels.embedder("efficientnet-lite0", precision: .f32)
    }

    func testVectorsAreUnitLengthAndModelSized() throws {
        let vector = try embedder.embed(Paths.photo("coffee.png"))
        XCTAssertEqual(vector.count, 1280)
        XCTAssertEqual(Double(vector.reduce(0) { $0 + $1 * $1 }), 1, accuracy: 1e-4)
        XCTAssertTrue(embedder.modelKey.hasPrefix("efficientnet-lite0/gem@"), embedder.modelKey)
    }

    func testEXIFRotatedPhotoEmbedsLikeTheUprightOne() throws {
        let upright = try embedder.embed(Paths.photo("chelsea_upright.jpg"))
        for orientation in [3, 6, 8] {
            let rotated = try embedder.embed(Paths.photo("chelsea_rot\(orientation).jpg"))
            XCTAssertGreaterThan(cosine(upright, rotated), 0.995, "orientation \(orientation)")
        }
        // Without honouring EXIF the cat would lie on its side: a clearly different vector.
        let sideways = try embedder.embed([embedder.decode(Paths.photo("chelsea_upright.jpg")).rotatedQuarterTurn()])[0]
        XCTAssertLessThan(cosine(upright, sideways), 0.97)
    }

    func testBatchedEqualsOneByOne() throws {
        let images = try ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"].map { try embedder.decode(Paths.photo($0)) }
        let batched = try embedder.embed(images)
        for (i, image) in images.enumerated() {
            XCTAssertGreaterThan(cosine(batched[i], try embedder.embed([image])[0]), 0.99999)
        }
        XCTAssertLessThan(cosine(batched[0], batched[1]), 0.9, "different photos, different vectors")
    }

    func testConcurrentCallersGetTheSameVectors() throws {
        let image = try embedder.decode(Paths.photo("coffee.png"))
        let reference = try embedder.embed([image])[0]
        let similarities = UnsafeMutableBufferPointer<Double>.allocate(capacity: 12)
        defer { similarities.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 12) { i in
            similarities[i] = (try? embedder.embed([image])[0]).map { cosine($0, reference) } ?? 0
        }
        XCTAssertTrue(similarities.allSatisfy { $0 > 0.99999 }, "\(Array(similarities))")
    }

    func testPoolingChoicesGiveDifferentSpaces() throws {
        let maxPooled = try SharedModels.embedder("efficientnet-lite0", precision: .f32, pooling: .max)
        XCTAssertTrue(maxPooled.modelKey.hasPrefix("efficientnet-lite0/max@"))
        XCTAssertNotEqual(maxPooled.modelKey, embedder.modelKey)
        let image = try embedder.decode(Paths.photo("chelsea.png"))
        let c = cosine(try embedder.embed([image])[0], try maxPooled.embed([image])[0])
        XCTAssertLessThan(c, 0.99)
        XCTAssertGreaterThan(c, 0.3)
    }

    func testUnknownModelSaysWhereItLooked() {
        XCTAssertThrowsError(try Embedder(model: "no-such-model")) { error in
            XCTAssertTrue("\(error)".contains("model 'no-such-model' not found"), "\(error)")
        }
    }
}

extension RGBImage {
    /// The image turned 90° clockwise (a square input stays square).
    func rotatedQuarterTurn() -> RGBImage {
        var out = [UInt8](repeating: 0, count: pixels.count)
        for y in 0..<height { for x in 0..<width {
            let (nx, ny) = (height - 1 - y, x)
            for c in 0..<3 { out[(ny * height + nx) * 3 + c] = pixels[(y * width + x) * 3 + c] }
        } }
        return RGBImage(width: height, height: width, pixels: out)
    }
}

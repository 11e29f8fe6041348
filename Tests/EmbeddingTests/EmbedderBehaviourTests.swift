import Embedding
import Foundation
import Imaging
import Synchronization
import TestSupport
import XCTest

/// Embeddings are normalised, deterministic, batch-independent, rotation-aware and thread-safe.
final class EmbedderBehaviourTests: TimedTestCase {
    var embedder: Embedder!

    override func setUpWithError() throws {
        embedder = try SharedModels.embedder("efficientnet-lite0", precision: .f32)
    }

    func testVectorsAreUnitLengthAndModelSized() throws {
        let vector = try embedder.embed(Paths.photo("coffee.png"))
        // The default descriptor: the head (1280) and three intermediate layers (112 + 192 + 1152).
        XCTAssertEqual(vector.count, 2736)
        XCTAssertEqual(embedder.dimension, 2736)
        XCTAssertEqual(Double(vector.reduce(0) { $0 + $1 * $1 }), 1, accuracy: 1e-4)
        XCTAssertTrue(embedder.modelKey.hasPrefix("efficientnet-lite0/gem+stage5+stage6+stage7_expand@"), embedder.modelKey)
    }

    func testLayerSelectionsMakeTheirOwnVectorSpaces() throws {
        let head = try SharedModels.embedder("efficientnet-lite0", precision: .f32, layers: .final)
        let two = try SharedModels.embedder("efficientnet-lite0", precision: .f32, layers: .named(["stage6", "stage5"]))
        XCTAssertEqual(head.dimension, 1280)
        XCTAssertEqual(two.dimension, 1280 + 192 + 112)
        XCTAssertTrue(head.modelKey.hasPrefix("efficientnet-lite0/gem@"), head.modelKey)
        XCTAssertTrue(two.modelKey.hasPrefix("efficientnet-lite0/gem+stage6+stage5@"), two.modelKey)
        let keys = Set([head.modelKey, two.modelKey, embedder.modelKey])
        XCTAssertEqual(keys.count, 3, "vectors of different layer sets must never be compared")
        // Same fingerprint: the manifest's default layers are not part of it.
        XCTAssertEqual(Set(keys.map { $0.split(separator: "@").last }).count, 1)

        // Each part of the descriptor is its layer's own unit vector, so the head's part of the
        // all-layer vector points where the head-only vector does, and carries 1/√4 of the length.
        let image = try embedder.decode(Paths.photo("coffee.png"))
        let all = try embedder.embed([image])[0], alone = try head.embed([image])[0]
        let headPart = Array(all[0..<1280])
        XCTAssertGreaterThan(cosine(headPart, alone), 0.99999)
        XCTAssertEqual(Double(headPart.reduce(0) { $0 + $1 * $1 }), 0.25, accuracy: 1e-4)
        let stage6 = try two.embed([image])[0]
        XCTAssertGreaterThan(cosine(Array(stage6[1280..<1472]), Array(all[(1280 + 112)..<(1280 + 112 + 192)])), 0.99999)

        XCTAssertThrowsError(try Embedder(model: "efficientnet-lite0", options: {
            var options = EmbedderOptions(); options.layers = .named(["stage9"]); return options
        }())) { error in
            XCTAssertTrue("\(error)".contains("no feature layer 'stage9'"), "\(error)")
            XCTAssertTrue("\(error)".contains("stage5, stage6, stage7_expand"), "\(error)")
        }
        XCTAssertEqual(try LayerSelection(parsing: "final"), .final)
        XCTAssertEqual(try LayerSelection(parsing: " stage5, stage6 "), .named(["stage5", "stage6"]))
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
        let similarities = Mutex([Double](repeating: 0, count: 12))
        let embedder: Embedder = self.embedder
        DispatchQueue.concurrentPerform(iterations: 12) { i in
            let similarity = (try? embedder.embed([image])[0]).map { cosine($0, reference) } ?? 0
            similarities.withLock { $0[i] = similarity }
        }
        let found = similarities.withLock { $0 }
        XCTAssertTrue(found.allSatisfy { $0 > 0.99999 }, "\(found)")
    }

    func testPoolingChoicesGiveDifferentSpaces() throws {
        let maxPooled = try SharedModels.embedder("efficientnet-lite0", precision: .f32, pooling: .max)
        XCTAssertTrue(maxPooled.modelKey.hasPrefix("efficientnet-lite0/max+stage5+stage6+stage7_expand@"), maxPooled.modelKey)
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

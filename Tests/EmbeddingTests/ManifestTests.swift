import Embedding
import Foundation
import Imaging
import TestSupport
import XCTest

/// Any ONNX image model with a manifest works: colour order, normalisation, layout, fitting and
/// output rank all come from the manifest (checked with tiny generated models of known output).
final class ManifestTests: TimedTestCase {
    func tinyModel(_ name: String) throws -> Embedder {
        let folder = Paths.testModels.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.json").path) else {
            XCTFail("test model \(name) missing: run `make setup`")
            throw XCTSkip("missing")
        }
        var options = EmbedderOptions()
        options.precision = .f32
        return try Embedder(directory: folder, options: options)
    }

    /// A solid (R, G, B) image through a BGR, caffe-mean, NHWC model whose features are its input.
    func expectedVector(r: Float, g: Float, b: Float) -> [Float] {
        var v = [b - 103.939, g - 116.779, r - 123.68]
        l2Normalize(&v)
        return v
    }

    func solid(_ r: UInt8, _ g: UInt8, _ b: UInt8, width: Int = 32, height: Int = 32) throws -> EncodedImage {
        let pixels = (0..<(width * height)).flatMap { _ in [r, g, b] }
        return EncodedImage(data: try PNGEncoder.encode(pixels: pixels, width: width, height: height, bands: 3), name: "solid.png")
    }

    func testFeatureMapModelHonoursColourOrderMeanAndLayout() throws {
        let model = try tinyModel("tiny-bgr")
        XCTAssertEqual(model.manifest.input.layout, .nhwc)
        XCTAssertEqual(model.manifest.input.colorOrder, .bgr)
        XCTAssertEqual(model.dimension, 3)
        let vector = try model.embed(solid(200, 100, 50))
        let expected = expectedVector(r: 200, g: 100, b: 50)
        for i in 0..<3 { XCTAssertEqual(vector[i], expected[i], accuracy: 1e-4) }
    }

    func testPooledOutputModelSkipsPooling() throws {
        let model = try tinyModel("tiny-bgr-pooled")
        let vector = try model.embed(solid(10, 240, 130))
        let expected = expectedVector(r: 10, g: 240, b: 130)
        for i in 0..<3 { XCTAssertEqual(vector[i], expected[i], accuracy: 1e-4) }
    }

    func testPadResizeUsesThePadColour() throws {
        // A wide 64×16 image padded to 32×32 with black: 3/4 of the pixels are padding.
        let model = try tinyModel("tiny-bgr")
        let decoded = try model.decode(solid(255, 255, 255, width: 64, height: 16))
        let top = decoded.pixel(x: 16, y: 0), middle = decoded.pixel(x: 16, y: 16)
        XCTAssertEqual([top.r, top.g, top.b], [0, 0, 0])
        XCTAssertEqual([middle.r, middle.g, middle.b], [255, 255, 255])
    }

    func testBrokenManifestsAreExplained() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let manifest = folder.appendingPathComponent("manifest.json")
        try Data("{\"name\": \"x\"}".utf8).write(to: manifest)
        XCTAssertThrowsError(try ModelManifest.load(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("missing key"), "\(error)")
        }
        let source = try Data(contentsOf: Paths.testModels.appendingPathComponent("tiny-bgr/manifest.json"))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: source) as? [String: Any])
        var input = try XCTUnwrap(object["input"] as? [String: Any])
        input["std"] = [0, 1, 1]
        object["input"] = input
        try JSONSerialization.data(withJSONObject: object).write(to: manifest)
        XCTAssertThrowsError(try ModelManifest.load(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("non-zero"), "\(error)")
        }
        input["std"] = [1, 1, 1]
        object["input"] = input
        try JSONSerialization.data(withJSONObject: object).write(to: manifest)
        XCTAssertThrowsError(try Embedder(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
    }

    func testFeatureLayersTheModelDoesNotOutputAreExplained() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("layers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tiny = Paths.testModels.appendingPathComponent("tiny-bgr")
        try FileManager.default.copyItem(at: tiny.appendingPathComponent("model.onnx"), to: folder.appendingPathComponent("model.onnx"))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: tiny.appendingPathComponent("manifest.json"))) as? [String: Any])
        object["featureLayers"] = [["name": "block3", "channels": 8]]
        object["layers"] = "all"
        try JSONSerialization.data(withJSONObject: object).write(to: folder.appendingPathComponent("manifest.json"))
        XCTAssertThrowsError(try Embedder(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("featureLayers names 'block3'"), "\(error)")
        }
        // The head alone still loads, and a layer named twice is refused.
        var options = EmbedderOptions()
        options.layers = .final
        XCTAssertEqual(try Embedder(directory: folder, options: options).dimension, 3)
        options.layers = .named(["block3", "block3"])
        XCTAssertThrowsError(try Embedder(directory: folder, options: options)) { error in
            XCTAssertTrue("\(error)".contains("twice"), "\(error)")
        }
    }

    func testPoolingMaths() throws {
        // Two channels over four positions.
        let map: [Float] = [1, 2, 3, 6, 0, 0, 0, 8]
        func pooled(_ p: Pooling) -> [Float] {
            var out = [Float](repeating: 0, count: 2)
            map.withUnsafeBufferPointer { m in out.withUnsafeMutableBufferPointer { p.pool(m, channels: 2, spatial: 4, into: $0) } }
            return out
        }
        XCTAssertEqual(pooled(.avg), [3, 2])
        XCTAssertEqual(pooled(.max), [6, 8])
        let gem1 = pooled(.gem(p: 1))
        XCTAssertEqual(gem1[0], 3, accuracy: 1e-4)
        let gem3 = pooled(.gem(p: 3))
        XCTAssertEqual(gem3[1], Float(pow(512.0 / 4, 1.0 / 3)), accuracy: 1e-3)
        XCTAssertThrowsError(try Pooling(parsing: "median"))
        XCTAssertEqual(try Pooling(parsing: "gem:4"), .gem(p: 4))
    }
}

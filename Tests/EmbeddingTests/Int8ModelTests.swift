import Embedding
import Foundation
import Imaging
import TestSupport
import XCTest

/// `--precision int8`: the quantized models scripts/setup.sh makes load, their vectors stay within cosine
/// 0.99 of the f32 model's on real photos (so they share its model key), and a model without one says how to
/// make it.
final class Int8ModelTests: TimedTestCase {
    /// The real photos of testdata/photos.
    private func photos() throws -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: Paths.photos, includingPropertiesForKeys: nil)) ?? []
        let photos = files.filter { ["jpg", "png"].contains($0.pathExtension.lowercased()) }.sorted { $0.path < $1.path }
        guard photos.count == 7 else { throw XCTSkip("the 7 photos of testdata/photos are missing: run `make setup`") }
        return photos
    }

    private func checkAgreement(model: String) throws {
        let int8ModelPath = Paths.models.appendingPathComponent("\(model)/\(Precision.int8ModelFile)").path
        guard FileManager.default.fileExists(atPath: int8ModelPath) else {
            XCTFail("\(int8ModelPath) missing: run `make setup`")
            return
        }
        for layers in [LayerSelection?.none, .final] {  // the default descriptor, and the head alone
            let f32 = try SharedModels.embedder(model, precision: .f32, layers: layers)
            let int8 = try SharedModels.embedder(model, precision: .int8, layers: layers)
            XCTAssertEqual(int8.precision, .int8)
            XCTAssertEqual(int8.modelKey, f32.modelKey, "int8 vectors are searched against f32 and bf16 catalogs")
            let images = try photos().map { try f32.decode(EncodedImage(contentsOf: $0)) }
            let reference = try f32.embed(images), quantized = try int8.embed(images)
            for (i, file) in try photos().enumerated() {
                let c = cosine(reference[i], quantized[i])
                XCTAssertGreaterThanOrEqual(c, 0.99, "\(model) \(layers?.description ?? "default layers") \(file.lastPathComponent): cosine \(c)")
                XCTAssertLessThan(c, 0.99999, "\(model) \(file.lastPathComponent): the int8 model computes exactly what f32 does")
            }
        }
    }

    func testLite0Int8VectorsAgreeWithF32() throws { try checkAgreement(model: "efficientnet-lite0") }
    func testLite2Int8VectorsAgreeWithF32() throws { try checkAgreement(model: "efficientnet-lite2") }

    func testMissingInt8ModelSaysHowToMakeIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-int8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for file in ["manifest.json", "model.onnx"] {
            try FileManager.default.copyItem(at: Paths.testModels.appendingPathComponent("tiny-bgr/\(file)"),
                                             to: folder.appendingPathComponent(file))
        }
        var options = EmbedderOptions()
        options.precision = .int8
        XCTAssertThrowsError(try Embedder(directory: folder, options: options)) { error in
            guard case EmbeddingError.missingInt8Model(let path) = error else {
                return XCTFail("expected missingInt8Model, got \(error)")
            }
            XCTAssertEqual(path, folder.appendingPathComponent(Precision.int8ModelFile).path)
            XCTAssertTrue("\(error)".contains("\(folder.path)/model-int8.xml"), "\(error)")
            XCTAssertTrue("\(error)".contains("run scripts/setup.sh"), "\(error)")
        }
        options.precision = .f32
        XCTAssertNoThrow(try Embedder(directory: folder, options: options), "the folder itself is a usable model")
    }
}

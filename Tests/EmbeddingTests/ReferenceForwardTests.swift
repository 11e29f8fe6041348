import Embedding
import Foundation
import Imaging
import TestSupport
import XCTest

/// Swift + OpenVINO agree with an independent numpy forward pass of the same weights
/// on the same preprocessed tensor.
final class ReferenceForwardTests: TimedTestCase {
    func compare(model: String, variant: String, precision: Precision, minimumCosine: Double) throws {
        let embedder = try SharedModels.embedder(model, precision: precision)
        let images = try ["chelsea.png", "astronaut.png"].map { try embedder.decode(Paths.photo($0)) }
        let tensor = embedder.inputTensor(for: images)
        let output = try embedder.infer(tensor: tensor, count: images.count)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lookalike-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try tensor.writeRaw(to: folder.appendingPathComponent("x.f32"))
        let size = embedder.manifest.input.width
        _ = try runProgram(Paths.python, [
            Paths.root.appendingPathComponent("tools/models/reference_forward.py").path,
            "--checkpoint", Paths.models.appendingPathComponent("\(model)/checkpoint.pth").path,
            "--variant", variant, "--input", folder.appendingPathComponent("x.f32").path,
            "--shape", "\(images.count),3,\(size),\(size)",
            "--features-out", folder.appendingPathComponent("f.f32").path,
            "--logits-out", folder.appendingPathComponent("l.f32").path,
            "--taps-out", folder.path,
        ])
        let referenceFeatures = try [Float].readRaw(from: folder.appendingPathComponent("f.f32"))
        let referenceLogits = try [Float].readRaw(from: folder.appendingPathComponent("l.f32"))
        XCTAssertEqual(referenceFeatures.count, output.features.count)
        // The intermediate layers too: the default descriptor pools three of them beside the head.
        XCTAssertEqual(output.layers.map(\.name), ["stage5", "stage6", "stage7_expand"])
        let referenceLayers = try output.layers.map { layer in
            let values = try [Float].readRaw(from: folder.appendingPathComponent("\(layer.name).f32"))
            XCTAssertEqual(values.count, layer.values.count, layer.name)
            return LayerOutput(name: layer.name, values: values, shape: layer.shape)
        }
        let reference = InferenceOutput(features: referenceFeatures, featureShape: output.featureShape, layers: referenceLayers,
                                        logits: referenceLogits, classCount: 1000)
        let logits = try XCTUnwrap(output.logits)
        for i in 0..<images.count {
            for pooling in [Pooling.avg, .max, .gem(p: 3)] {
                let c = cosine(output.embedding(at: i, pooling: pooling), reference.embedding(at: i, pooling: pooling))
                XCTAssertGreaterThanOrEqual(c, minimumCosine, "\(model) \(precision) image \(i) \(pooling): cosine \(c)")
            }
            for (mine, theirs) in zip(output.layers, referenceLayers) {  // each layer on its own, not diluted by the head
                let a = InferenceOutput(features: mine.values, featureShape: mine.shape, logits: nil, classCount: 0)
                let b = InferenceOutput(features: theirs.values, featureShape: theirs.shape, logits: nil, classCount: 0)
                let c = cosine(a.embedding(at: i, pooling: .gem(p: 3)), b.embedding(at: i, pooling: .gem(p: 3)))
                XCTAssertGreaterThanOrEqual(c, minimumCosine, "\(model) \(precision) image \(i) layer \(mine.name): cosine \(c)")
            }
            let c = cosine(Array(logits[(i * 1000)..<((i + 1) * 1000)]), Array(referenceLogits[(i * 1000)..<((i + 1) * 1000)]))
            XCTAssertGreaterThanOrEqual(c, minimumCosine, "logits cosine \(c)")
        }
    }

    func testLite0F32MatchesNumpy() throws { try compare(model: "efficientnet-lite0", variant: "lite0", precision: .f32, minimumCosine: 0.9999) }
    func testLite0BF16MatchesNumpy() throws { try compare(model: "efficientnet-lite0", variant: "lite0", precision: .bf16, minimumCosine: 0.995) }
    func testLite2F32MatchesNumpy() throws { try compare(model: "efficientnet-lite2", variant: "lite2", precision: .f32, minimumCosine: 0.9999) }
    func testLite2BF16MatchesNumpy() throws { try compare(model: "efficientnet-lite2", variant: "lite2", precision: .bf16, minimumCosine: 0.995) }
}

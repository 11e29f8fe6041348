import Foundation
import Imaging

/// The JSON file beside an ONNX model that tells Lookalike how to feed it and read it.
///
/// The Swift side reads only the ONNX file and this manifest, so any image model
/// (EfficientNet, a Keras ResNet-50 with caffe preprocessing, a CLIP image tower, a
/// fine-tuned network) works without code changes.
public struct ModelManifest: Codable, Sendable, Equatable {
    /// How the model wants its input tensor.
    public struct Input: Codable, Sendable, Equatable {
        /// The input tensor's name in the ONNX graph.
        public var name: String
        /// Input width in pixels.
        public var width: Int
        /// Input height in pixels.
        public var height: Int
        /// Memory layout of the input tensor.
        public var layout: TensorLayout
        /// Channel order the model expects.
        public var colorOrder: ColorOrder
        /// Per-channel mean subtracted from 0…255 values, in the model's channel order.
        public var mean: [Float]
        /// Per-channel divisor applied after the mean, in the model's channel order.
        public var std: [Float]
        /// How a photo of another shape is fitted to width × height.
        public var resize: Fit
        /// Background for padding and for flattening transparency (RGB 0…255); white if absent.
        public var padColor: [UInt8]?
    }

    /// An intermediate feature output of the model that can be pooled beside the head.
    public struct FeatureLayer: Codable, Sendable, Equatable, Hashable {
        /// The output's name in the ONNX graph.
        public var name: String
        /// Its channels: the length of its pooled vector.
        public var channels: Int
    }

    /// Short model name, e.g. "efficientnet-lite0".
    public var name: String
    /// One line for people.
    public var description: String?
    /// The ONNX file, relative to the manifest.
    public var model: String
    /// How to feed the model.
    public var input: Input
    /// The output holding features: a [N, C, H, W] map (pooled here) or a [N, D] vector.
    public var featureOutput: String
    /// Layout of rank-4 feature outputs (the head's and any `featureLayers`); NCHW when absent.
    public var featureLayout: TensorLayout?
    /// The pooling used when the caller chooses none ("avg", "max", "gem", "gem:P").
    public var pooling: String?
    /// Length of the head's pooled vector (the embedding without extra layers).
    public var embeddingDimension: Int
    /// Intermediate outputs (same forward pass) that can join the head's vector.
    public var featureLayers: [FeatureLayer]?
    /// The layers used when the caller chooses none: "final", "all" or names (see `LayerSelection`).
    public var layers: String?
    /// Output with classifier logits, if the model has one.
    public var logitsOutput: String?
    /// Text file with one class name per line, relative to the manifest.
    public var labels: String?
    /// Where the weights came from.
    public var source: String?
    /// The weights' license.
    public var license: String?

    /// Reads and validates `directory/manifest.json`.
    public static func load(directory: URL) throws -> ModelManifest {
        let url = directory.appendingPathComponent("manifest.json")
        let path = url.path
        guard let data = try? Data(contentsOf: url) else {
            throw EmbeddingError.invalidManifest(path: path, reason: "cannot read the file")
        }
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw EmbeddingError.invalidManifest(path: path, reason: "missing key '\(key.stringValue)'")
        } catch let DecodingError.dataCorrupted(context) {
            throw EmbeddingError.invalidManifest(path: path, reason: context.debugDescription)
        } catch let DecodingError.typeMismatch(_, context) {
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw EmbeddingError.invalidManifest(path: path, reason: "'\(key)' has the wrong type (\(context.debugDescription))")
        } catch {
            throw EmbeddingError.invalidManifest(path: path, reason: "\(error)")
        }
        try manifest.validate(path: path)
        return manifest
    }

    /// Checks the values that JSON decoding alone cannot.
    func validate(path: String) throws {
        func fail(_ reason: String) -> EmbeddingError { .invalidManifest(path: path, reason: reason) }
        guard input.width > 0, input.height > 0, input.width <= 4096, input.height <= 4096 else {
            throw fail("input size \(input.width)×\(input.height) is out of range")
        }
        guard input.mean.count == 3, input.std.count == 3 else { throw fail("input.mean and input.std need 3 values each") }
        guard input.std.allSatisfy({ $0 != 0 && $0.isFinite }) else { throw fail("input.std values must be non-zero") }
        guard embeddingDimension > 0 else { throw fail("embeddingDimension must be positive") }
        if let padColor = input.padColor, padColor.count != 3 { throw fail("input.padColor needs 3 values") }
        if let pooling { _ = try Pooling(parsing: pooling) }
        for layer in featureLayers ?? [] {
            guard layer.channels > 0, !layer.name.isEmpty else { throw fail("featureLayers entry '\(layer.name)' needs a name and positive channels") }
            guard layer.name != featureOutput, layer.name != logitsOutput else { throw fail("featureLayers entry '\(layer.name)' repeats another output") }
        }
        if let layers {
            do { _ = try LayerSelection(parsing: layers).resolve(in: self) } catch { throw fail("layers: \(error)") }
        }
    }

    /// The pooling named by the manifest, or avg.
    public var defaultPooling: Pooling { (try? Pooling(parsing: pooling ?? "avg")) ?? .avg }

    /// The layers named by the manifest, or the head alone.
    public var defaultLayers: LayerSelection { (try? LayerSelection(parsing: layers ?? "final")) ?? .final }

    /// Background colour for padding and transparency.
    public var background: (UInt8, UInt8, UInt8) {
        let c = input.padColor ?? [255, 255, 255]
        return (c[0], c[1], c[2])
    }
}

/// Order of the dimensions of an image tensor.
public enum TensorLayout: String, Codable, Sendable {
    /// Batch, channels, height, width (PyTorch, ONNX default).
    case nchw = "NCHW"
    /// Batch, height, width, channels (TensorFlow / Keras).
    case nhwc = "NHWC"
}

/// Order of the colour channels a model expects.
public enum ColorOrder: String, Codable, Sendable {
    /// Red, green, blue.
    case rgb = "RGB"
    /// Blue, green, red (Caffe-style models).
    case bgr = "BGR"
}

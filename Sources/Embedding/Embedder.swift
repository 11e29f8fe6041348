import COpenVINO
import Foundation
import Imaging

/// Options for loading a model.
public struct EmbedderOptions: Sendable {
    /// Arithmetic precision; `.auto` picks the fastest within the accuracy bar on this CPU (`AutoPrecision`).
    public var precision: Precision = .auto
    /// Where `.auto` keeps its measured choices; nil: `PrecisionChoiceStore.defaultFolder()`.
    public var precisionChoiceFolder: URL?
    /// The photos `.auto` measures on; nil: found beside the model (`PrecisionCalibration.photos`).
    public var calibrationPhotos: URL?
    /// Inference threads (0 = all cores).
    public var threads: Int = 0
    /// Pooling of feature maps; the manifest's default when nil.
    public var pooling: Pooling?
    /// Intermediate layers pooled beside the head; the manifest's default when nil.
    public var layers: LayerSelection?
    /// Store each catalog image's vector as the normalised mean of the image's and its mirror image's vectors
    /// (flip test-time augmentation on the catalog side: twice the model work at import, none at query time;
    /// photo queries are not mirrored). Part of the model key, so mirrored and plain vectors never mix.
    public var mirrorCatalog = false
    /// Largest batch sent to the model at once; bigger requests are split.
    public var maxBatch: Int = 32
    /// Infer requests in the pool: how many callers run inference at the same time.
    public var concurrentRequests: Int = 2
    /// OpenVINO's performance hint, "LATENCY" or "THROUGHPUT".
    public var performanceHint: String = "LATENCY"
    /// Caps on the images decoded for this model.
    public var limits: ImageLimits = .standard

    /// Default options.
    public init() {}
}

/// Turns images into L2-normalised feature vectors with a CNN run through OpenVINO.
///
/// The model is compiled once; `embed`, `infer` and `classify` are safe to call from many
/// threads at once (each call borrows its own infer request).
///
/// `@unchecked Sendable` only because of the `model` handle (an `OpaquePointer`): every stored property is
/// a `let` set in `init`, the others of `Sendable` types (`InferRequestPool`, which owns the compiled model,
/// included); after `init` the handle is used by no thread (inference goes through the pool, which lends each
/// request to one caller at a time) until `deinit` frees it, when no other reference exists.
public final class Embedder: @unchecked Sendable {
    /// The model's manifest.
    public let manifest: ModelManifest
    /// The folder the model was loaded from.
    public let directory: URL
    /// The precision actually used (never `.auto`).
    public let precision: Precision
    /// How `.auto` chose `precision`; nil when a precision was asked for.
    public let precisionDecision: PrecisionDecision?
    /// The pooling applied to feature maps.
    public let pooling: Pooling
    /// The intermediate layers pooled beside the head, in order (empty: the head alone).
    public let layers: [ModelManifest.FeatureLayer]
    /// Seconds spent reading and compiling the model.
    public let compileSeconds: Double
    /// Identifies the vector space: model name, pooling, layers, catalog mirroring and a fingerprint of the manifest and weights.
    /// Vectors with different keys must never be compared.
    public let modelKey: String
    /// The options the model was loaded with.
    public let options: EmbedderOptions
    /// Class names for `classify`, empty when the model has none.
    public let labels: [String]

    private let model: OpaquePointer
    private let requests: InferRequestPool
    private let writer: TensorWriter
    private let decoder: ImageDecoder

    /// Loads the model named `nameOrPath` (a folder with manifest.json, or a name under models/).
    public convenience init(model nameOrPath: String = ModelLocator.defaultModel, options: EmbedderOptions = .init()) throws {
        try self.init(directory: try ModelLocator.locate(nameOrPath), options: options)
    }

    /// Loads the model in `directory`.
    public init(directory: URL, options: EmbedderOptions = .init()) throws {
        let manifest = try ModelManifest.load(directory: directory)
        let layers = try (options.layers ?? manifest.defaultLayers).resolve(in: manifest)
        let core = try OpenVINOCore.shared.get()
        let decision = options.precision == .auto
            ? try AutoPrecision.decide(directory: directory, manifest: manifest, options: options, core: core) : nil
        let precision = decision?.choice.chosen ?? options.precision
        let start = Date()
        let modelFile = precision == .int8 ? Precision.int8ModelFile : manifest.model
        let modelPath = directory.appendingPathComponent(modelFile).path
        guard FileManager.default.fileExists(atPath: modelPath) else {
            if precision == .int8 {
                throw EmbeddingError.missingInt8Model(path: modelPath)
            }
            throw EmbeddingError.invalidManifest(path: directory.appendingPathComponent("manifest.json").path,
                                                 reason: "its model file \(modelPath) does not exist")
        }
        let model = try core.readModel(at: modelPath)
        if let missing = layers.first(where: { !core.hasOutput(model, named: $0.name) }) {
            ov_model_free(model)
            throw EmbeddingError.invalidManifest(path: directory.appendingPathComponent("manifest.json").path,
                                                 reason: "featureLayers names '\(missing.name)', which \(modelFile) does not output")
        }
        let compiled: OpaquePointer
        do {
            compiled = try core.compile(model, precision: precision, threads: options.threads, hint: options.performanceHint)
        } catch {
            ov_model_free(model)
            throw error
        }
        let requests: InferRequestPool
        do {
            requests = try InferRequestPool(owning: compiled, count: options.concurrentRequests)
        } catch {
            ov_model_free(model)
            throw error
        }
        self.model = model
        self.compileSeconds = Date().timeIntervalSince(start)
        self.requests = requests
        self.manifest = manifest
        self.directory = directory
        self.precision = precision
        self.precisionDecision = decision
        self.options = options
        self.pooling = options.pooling ?? manifest.defaultPooling
        self.layers = layers
        self.writer = TensorWriter(input: manifest.input)
        self.decoder = ImageDecoder(limits: options.limits)
        self.labels = Embedder.readLabels(manifest: manifest, directory: directory)
        self.modelKey = "\(manifest.name)/\(self.pooling)\(Embedder.suffix(layers))\(options.mirrorCatalog ? "~mirror" : "")@\(ModelFingerprint.of(directory: directory, manifest: manifest))"
    }

    deinit { ov_model_free(model) }  // the compiled model goes with `requests`, after its infer requests

    /// Length of the vectors `embed` returns: the head's channels plus those of each layer.
    public var dimension: Int { manifest.embeddingDimension + layers.reduce(0) { $0 + $1.channels } }

    /// "+stage5+stage6…" for the layers beside the head, "" for the head alone (as in `modelKey`).
    public var layerSuffix: String { Embedder.suffix(layers) }

    private static func suffix(_ layers: [ModelManifest.FeatureLayer]) -> String { layers.map { "+" + $0.name }.joined() }

    /// How the vectors are made, for people: "gem pooling" or "gem pooling of the head + stage5 + …".
    public var descriptorSummary: String {
        let parts = layers.isEmpty ? "\(pooling) pooling" : "\(pooling) pooling of the head + \(layers.map(\.name).joined(separator: " + "))"
        return options.mirrorCatalog ? parts + ", catalog mirror-averaged" : parts
    }

    /// The precision for people: "int8", or "int8 by auto" when `.auto` chose it.
    public var precisionLabel: String { precisionDecision == nil ? precision.rawValue : "\(precision.rawValue) by auto" }

    /// OpenVINO's optimisation capabilities for this CPU, e.g. ["FP32", "BF16", "INT8", …].
    public static var runtimeCapabilities: [String] { (try? OpenVINOCore.shared.get().cpuCapabilities) ?? [] }

    /// The CPU OpenVINO runs on.
    public var deviceName: String { (try? OpenVINOCore.shared.get().cpuName) ?? "CPU" }

    /// Decodes an image and fits it to the model's input (or a `region` of it).
    public func decode(_ image: EncodedImage, region: CropRegion? = nil) throws -> RGBImage {
        try decoder.decode(image, width: manifest.input.width, height: manifest.input.height,
                           fit: manifest.input.resize, background: manifest.background, region: region)
    }

    /// Decodes an image (or `region` of it) into any size and fit, e.g. a small copy for analysis.
    public func decodeWhole(_ image: EncodedImage, width: Int, height: Int, fit: Fit, background: (UInt8, UInt8, UInt8),
                            region: CropRegion? = nil) throws -> RGBImage {
        try decoder.decode(image, width: width, height: height, fit: fit, background: background, region: region)
    }

    /// Size, format and orientation of an encoded image, without decoding its pixels.
    public func info(of image: EncodedImage) throws -> ImageInfo {
        try decoder.info(of: image)
    }

    /// Embeds decoded images (already at the model's input size), batched.
    public func embed(_ images: [RGBImage]) throws -> [[Float]] {
        let output = try infer(images)
        return (0..<output.count).map { output.embedding(at: $0, pooling: pooling) }
    }

    /// Decodes and embeds one image.
    public func embed(_ image: EncodedImage, region: CropRegion? = nil) throws -> [Float] {
        try embed([decode(image, region: region)])[0]
    }

    /// Runs the model on decoded images and returns its raw outputs (without the intermediate layers when
    /// `withLayers` is false: for callers that read only the head's feature map).
    public func infer(_ images: [RGBImage], withLayers: Bool = true) throws -> InferenceOutput {
        guard !images.isEmpty else { throw EmbeddingError.invalidArgument("no images to embed") }
        return try infer(tensor: inputTensor(for: images), count: images.count, withLayers: withLayers)
    }

    /// The model's input tensor for decoded images: channel order, normalisation and layout per the manifest.
    public func inputTensor(for images: [RGBImage]) -> [Float] {
        var tensor = [Float](repeating: 0, count: images.count * writer.elementsPerImage)
        tensor.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for (i, image) in images.enumerated() {
                writer.write(image, to: base + i * writer.elementsPerImage)
            }
        }
        return tensor
    }

    /// Runs the model on a ready input tensor of `count` images (layout and normalisation as the manifest says).
    public func infer(tensor: [Float], count: Int, withLayers: Bool = true) throws -> InferenceOutput {
        let per = writer.elementsPerImage
        guard count > 0, tensor.count == count * per else {
            throw EmbeddingError.invalidArgument("tensor has \(tensor.count) values, expected \(count) × \(per)")
        }
        var output: InferenceOutput?
        var start = 0
        while start < count {
            let n = min(options.maxBatch, count - start)
            let part = try tensor.withUnsafeBufferPointer { all in
                try runBatch(UnsafeBufferPointer(rebasing: all[(start * per)..<((start + n) * per)]), count: n,
                             layers: withLayers ? layers : [])
            }
            if output == nil { output = part } else { output?.append(part) }
            start += n
        }
        guard let output else { throw EmbeddingError.invalidArgument("no images to embed") }
        return output
    }

    /// Top classes per image with their probabilities.
    public func classify(_ images: [RGBImage], top: Int = 5) throws -> [[ClassScore]] {
        guard manifest.logitsOutput != nil else {
            throw EmbeddingError.invalidArgument("model '\(manifest.name)' has no classifier output (logitsOutput)")
        }
        let output = try infer(images)
        return (0..<output.count).map { i in
            guard let probabilities = output.probabilities(at: i) else { return [] }
            return probabilities.enumerated().sorted { $0.element > $1.element }.prefix(top).map {
                ClassScore(index: $0.offset, label: $0.offset < labels.count ? labels[$0.offset] : "class \($0.offset)",
                           score: $0.element)
            }
        }
    }

    /// One call into OpenVINO with a batch no larger than maxBatch.
    private func runBatch(_ input: UnsafeBufferPointer<Float>, count: Int, layers: [ModelManifest.FeatureLayer]) throws -> InferenceOutput {
        let i = manifest.input
        let dims: [Int64] = i.layout == .nchw ? [Int64(count), 3, Int64(i.height), Int64(i.width)]
                                               : [Int64(count), Int64(i.height), Int64(i.width), 3]
        return try requests.withRequest { request in
            var shape = ov_shape_t()
            try OpenVINOCore.check(ov_shape_create(4, dims, &shape), "describe the input shape")
            defer { ov_shape_free(&shape) }
            // Copy into the request's own input tensor (reshaped only when the batch size changes), as
            // OpenVINO's Python API does: binding a new host buffer on every call cost ~0.5 ms at batch 1.
            var tensor: OpaquePointer?
            try OpenVINOCore.check(ov_infer_request_get_tensor(request, i.name, &tensor), "get input '\(i.name)'")
            defer { ov_tensor_free(tensor) }
            var current = ov_shape_t()
            try OpenVINOCore.check(ov_tensor_get_shape(tensor, &current), "read the input shape")
            let currentDims = (0..<Int(current.rank)).map { current.dims[$0] }
            ov_shape_free(&current)
            if currentDims != dims {
                try OpenVINOCore.check(ov_tensor_set_shape(tensor, shape), "reshape input '\(i.name)'")
            }
            var data: UnsafeMutableRawPointer?
            try OpenVINOCore.check(ov_tensor_data(tensor, &data), "reach input '\(i.name)'")
            var bytes = 0
            try OpenVINOCore.check(ov_tensor_get_byte_size(tensor, &bytes), "size input '\(i.name)'")
            let needed = count * i.width * i.height * 3 * MemoryLayout<Float>.size
            guard let data, bytes == needed, let source = input.baseAddress else {
                throw EmbeddingError.runtime(operation: "set input", message: "input tensor holds \(bytes) bytes, \(needed) needed")
            }
            data.copyMemory(from: source, byteCount: needed)
            try OpenVINOCore.check(ov_infer_request_infer(request), "run the model")
            let (features, featureShape) = try readOutput(request, name: manifest.featureOutput)
            guard featureShape.count == 2 || featureShape.count == 4, featureShape[0] == count else {
                throw EmbeddingError.unexpectedOutput("'\(manifest.featureOutput)' has shape \(featureShape)")
            }
            let channels = featureShape[1]
            guard channels == manifest.embeddingDimension else {
                throw EmbeddingError.unexpectedOutput("'\(manifest.featureOutput)' has \(channels) channels, manifest says embeddingDimension \(manifest.embeddingDimension)")
            }
            var output = InferenceOutput(features: features, featureShape: featureShape, logits: nil, classCount: 0)
            if manifest.featureLayout == .nhwc, featureShape.count == 4 {
                (output.features, output.featureShape) = Embedder.nhwcToNchw(features, shape: featureShape)
            }
            for layer in layers {
                var (values, shape) = try readOutput(request, name: layer.name)
                guard (shape.count == 2 || shape.count == 4), shape[0] == count else {
                    throw EmbeddingError.unexpectedOutput("layer '\(layer.name)' has shape \(shape)")
                }
                if manifest.featureLayout == .nhwc, shape.count == 4 { (values, shape) = Embedder.nhwcToNchw(values, shape: shape) }
                guard shape[1] == layer.channels else {
                    throw EmbeddingError.unexpectedOutput("layer '\(layer.name)' has \(shape[1]) channels, manifest says \(layer.channels)")
                }
                output.layers.append(LayerOutput(name: layer.name, values: values, shape: shape))
            }
            if let logitsName = manifest.logitsOutput {
                let (logits, logitsShape) = try readOutput(request, name: logitsName)
                output.logits = logits
                output.classCount = logitsShape.count >= 2 ? logitsShape[1] : 0
            }
            return output
        }
    }

    /// Copies a named output tensor out of a finished request.
    private func readOutput(_ request: OpaquePointer, name: String) throws -> ([Float], [Int]) {
        var tensor: OpaquePointer?
        try OpenVINOCore.check(ov_infer_request_get_tensor(request, name, &tensor), "read output '\(name)'")
        defer { ov_tensor_free(tensor) }
        var shape = ov_shape_t()
        try OpenVINOCore.check(ov_tensor_get_shape(tensor, &shape), "read the shape of '\(name)'")
        defer { ov_shape_free(&shape) }
        let dims = (0..<Int(shape.rank)).map { Int(shape.dims[$0]) }
        var data: UnsafeMutableRawPointer?
        try OpenVINOCore.check(ov_tensor_data(tensor, &data), "read the data of '\(name)'")
        guard let data else { throw EmbeddingError.unexpectedOutput("'\(name)' has no data") }
        let count = dims.reduce(1, *)
        return (Array(UnsafeBufferPointer(start: data.assumingMemoryBound(to: Float.self), count: count)), dims)
    }

    /// An [N, H, W, C] tensor as [N, C, H, W], with its new shape.
    private static func nhwcToNchw(_ values: [Float], shape: [Int]) -> ([Float], [Int]) {
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        var out = [Float](repeating: 0, count: values.count)
        for b in 0..<n { for y in 0..<h { for x in 0..<w { for ch in 0..<c {
            out[((b * c + ch) * h + y) * w + x] = values[((b * h + y) * w + x) * c + ch]
        } } } }
        return (out, [n, c, h, w])
    }

    private static func readLabels(manifest: ModelManifest, directory: URL) -> [String] {
        guard let file = manifest.labels,
              let text = try? String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }.filter { !$0.isEmpty }
    }
}

/// One predicted class.
public struct ClassScore: Sendable, Codable, Equatable {
    /// Class index in the model's label list.
    public let index: Int
    /// Class name.
    public let label: String
    /// Probability, 0…1.
    public let score: Float
}

extension InferenceOutput {
    /// Appends another batch's outputs.
    mutating func append(_ other: InferenceOutput) {
        features += other.features
        featureShape[0] += other.featureShape[0]
        for i in layers.indices where i < other.layers.count {
            layers[i].values += other.layers[i].values
            layers[i].shape[0] += other.layers[i].shape[0]
        }
        if let more = other.logits { logits = (logits ?? []) + more }
    }
}

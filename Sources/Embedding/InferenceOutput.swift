/// Raw model outputs for a batch: the feature tensor, any intermediate layers asked for and, if the
/// model has them, logits.
public struct InferenceOutput: Sendable {
    /// Flat feature values, batch-major.
    public var features: [Float]
    /// Feature tensor shape: [N, C, H, W] for a map, [N, D] for a vector.
    public var featureShape: [Int]
    /// Intermediate feature layers, pooled beside the head in `embedding(at:pooling:)`.
    public var layers: [LayerOutput]
    /// Flat logits, batch-major, or nil.
    public var logits: [Float]?
    /// Number of classes per row of `logits`.
    public var classCount: Int

    /// Wraps outputs (e.g. from another runtime, to compare with).
    public init(features: [Float], featureShape: [Int], layers: [LayerOutput] = [], logits: [Float]?, classCount: Int) {
        self.features = features
        self.featureShape = featureShape
        self.layers = layers
        self.logits = logits
        self.classCount = classCount
    }

    /// Images in the batch.
    public var count: Int { featureShape.first ?? 0 }

    /// Values per image in `features`.
    public var featureStride: Int { featureShape.dropFirst().reduce(1, *) }

    /// The L2-normalised embedding of image `index` (`pooling` applies to feature maps only): the pooled
    /// head, and with layers L2([L2(head), L2(layer₁), …]).
    public func embedding(at index: Int, pooling: Pooling) -> [Float] {
        var vector = Self.pooled(features, shape: featureShape, at: index, pooling: pooling)
        l2Normalize(&vector)
        guard !layers.isEmpty else { return vector }
        for layer in layers {
            var part = Self.pooled(layer.values, shape: layer.shape, at: index, pooling: pooling)
            l2Normalize(&part)
            vector += part
        }
        l2Normalize(&vector)
        return vector
    }

    /// Image `index`'s vector from a batch tensor: pooled when it is a [N, C, H, W] map, as it is when [N, D].
    private static func pooled(_ values: [Float], shape: [Int], at index: Int, pooling: Pooling) -> [Float] {
        let stride = shape.dropFirst().reduce(1, *)
        guard shape.count == 4 else { return Array(values[(index * stride)..<((index + 1) * stride)]) }
        let channels = shape[1], spatial = shape[2] * shape[3]
        var vector = [Float](repeating: 0, count: channels)
        values.withUnsafeBufferPointer { all in
            vector.withUnsafeMutableBufferPointer { out in
                pooling.pool(UnsafeBufferPointer(rebasing: all[(index * stride)..<((index + 1) * stride)]),
                             channels: channels, spatial: spatial, into: out)
            }
        }
        return vector
    }

    /// The [C, H, W] feature map of image `index` (nil when the model outputs pooled vectors).
    public func featureMap(at index: Int) -> FeatureMap? {
        guard featureShape.count == 4 else { return nil }
        let stride = featureStride
        return FeatureMap(channels: featureShape[1], height: featureShape[2], width: featureShape[3],
                          values: Array(features[(index * stride)..<((index + 1) * stride)]))
    }

    /// Softmax probabilities of image `index`, or nil without logits.
    public func probabilities(at index: Int) -> [Float]? {
        guard let logits, classCount > 0 else { return nil }
        let row = logits[(index * classCount)..<((index + 1) * classCount)]
        let top = row.max() ?? 0
        let exps = row.map { Float.exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

/// One intermediate output of a batch, channel-major.
public struct LayerOutput: Sendable {
    /// The output's name in the model.
    public var name: String
    /// Flat values, batch-major.
    public var values: [Float]
    /// [N, C, H, W] (or [N, D]).
    public var shape: [Int]

    /// Wraps one output.
    public init(name: String, values: [Float], shape: [Int]) {
        self.name = name
        self.values = values
        self.shape = shape
    }
}

/// One image's spatial feature map, channel-major.
public struct FeatureMap: Sendable {
    /// Channels.
    public let channels: Int
    /// Rows.
    public let height: Int
    /// Columns.
    public let width: Int
    /// channels × height × width values.
    public let values: [Float]
}

extension Float {
    /// e raised to x.
    static func exp(_ x: Float) -> Float { Float(Foundation.exp(Double(x))) }
}

import Foundation

/// Raw model outputs for a batch: the feature tensor and, if the model has them, logits.
public struct InferenceOutput: Sendable {
    /// Flat feature values, batch-major.
    public var features: [Float]
    /// Feature tensor shape: [N, C, H, W] for a map, [N, D] for a vector.
    public var featureShape: [Int]
    /// Flat logits, batch-major, or nil.
    public var logits: [Float]?
    /// Number of classes per row of `logits`.
    public var classCount: Int

    /// Wraps outputs (e.g. from another runtime, to compare with).
    public init(features: [Float], featureShape: [Int], logits: [Float]?, classCount: Int) {
        self.features = features
        self.featureShape = featureShape
        self.logits = logits
        self.classCount = classCount
    }

    /// Images in the batch.
    public var count: Int { featureShape.first ?? 0 }

    /// Values per image in `features`.
    public var featureStride: Int { featureShape.dropFirst().reduce(1, *) }

    /// The L2-normalised embedding of image `index` (`pooling` applies to feature maps only).
    public func embedding(at index: Int, pooling: Pooling) -> [Float] {
        let stride = featureStride
        var vector: [Float]
        if featureShape.count == 4 {
            let channels = featureShape[1], spatial = featureShape[2] * featureShape[3]
            vector = [Float](repeating: 0, count: channels)
            features.withUnsafeBufferPointer { all in
                vector.withUnsafeMutableBufferPointer { out in
                    pooling.pool(UnsafeBufferPointer(rebasing: all[(index * stride)..<((index + 1) * stride)]),
                                 channels: channels, spatial: spatial, into: out)
                }
            }
        } else {
            vector = Array(features[(index * stride)..<((index + 1) * stride)])
        }
        l2Normalize(&vector)
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

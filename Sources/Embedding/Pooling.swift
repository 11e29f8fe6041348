/// How a [C, H, W] feature map becomes a C-dimensional vector.
public enum Pooling: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Global average pooling (what ImageNet classifiers use).
    case avg
    /// Global max pooling (the original design's GlobalMaxPooling).
    case max
    /// Generalised mean pooling with exponent p (p = 1 is avg, p → ∞ is max).
    case gem(p: Float)

    /// Parses "avg", "max", "gem" (p = 3) or "gem:P".
    public init(parsing text: String) throws {
        let lower = text.lowercased()
        switch lower {
        case "avg", "mean", "average": self = .avg
        case "max": self = .max
        case "gem": self = .gem(p: 3)
        default:
            if lower.hasPrefix("gem:"), let p = Float(lower.dropFirst(4)), p > 0, p.isFinite {
                self = .gem(p: p)
            } else {
                throw EmbeddingError.invalidArgument("unknown pooling '\(text)' (use avg, max, gem or gem:P)")
            }
        }
    }

    public var description: String {
        switch self {
        case .avg: return "avg"
        case .max: return "max"
        case .gem(let p): return p == 3 ? "gem" : "gem:\(p)"
        }
    }

    /// Pools one channel-major map (`channels` planes of `spatial` values each) into `out`.
    public func pool(_ map: UnsafeBufferPointer<Float>, channels: Int, spatial: Int, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(map.count >= channels * spatial && out.count >= channels)
        let n = Float(spatial)
        for c in 0..<channels {
            let plane = UnsafeBufferPointer(rebasing: map[(c * spatial)..<((c + 1) * spatial)])
            switch self {
            case .avg:
                var sum: Float = 0
                for v in plane { sum += v }
                out[c] = sum / n
            case .max:
                var best = -Float.infinity
                for v in plane where v > best { best = v }
                out[c] = best
            case .gem(let p) where p == 3:
                var sum: Float = 0  // the default: cubes without a pow call per value
                for v in plane { let x = Swift.max(v, 1e-6); sum += x * x * x }
                out[c] = Float.pow(sum / n, 1 / p)
            case .gem(let p):
                var sum: Float = 0
                for v in plane { sum += Float.pow(Swift.max(v, 1e-6), p) }
                out[c] = Float.pow(sum / n, 1 / p)
            }
        }
    }
}

extension Float {
    /// x raised to y (Foundation-free).
    static func pow(_ x: Float, _ y: Float) -> Float { Float(Foundation.pow(Double(x), Double(y))) }
}

/// Scales a vector to unit length in place (a zero vector stays zero).
public func l2Normalize(_ v: inout [Float]) {
    var sum: Float = 0
    for x in v { sum += x * x }
    guard sum > 0 else { return }
    let scale = 1 / sum.squareRoot()
    for i in v.indices { v[i] *= scale }
}

import Foundation

import Imaging

/// Writes decoded pixels into a model's input tensor: channel order, normalisation and layout
/// exactly as the manifest says.
struct TensorWriter: Sendable {
    let input: ModelManifest.Input

    /// Values per image in the tensor.
    var elementsPerImage: Int { input.width * input.height * 3 }

    /// Writes `image` (already input.width × input.height) at `destination`.
    func write(_ image: RGBImage, to destination: UnsafeMutablePointer<Float>) {
        precondition(image.width == input.width && image.height == input.height, "image not resized to the model input")
        let plane = input.width * input.height
        // Model channel c takes RGB source channel order[c].
        let order = input.colorOrder == .rgb ? [0, 1, 2] : [2, 1, 0]
        let scale = input.std.map { 1 / $0 }
        image.pixels.withUnsafeBufferPointer { px in
            for c in 0..<3 {
                let source = order[c], mean = input.mean[c], inverse = scale[c]
                switch input.layout {
                case .nchw:
                    let out = destination + c * plane
                    for i in 0..<plane { out[i] = (Float(px[i * 3 + source]) - mean) * inverse }
                case .nhwc:
                    for i in 0..<plane { destination[i * 3 + c] = (Float(px[i * 3 + source]) - mean) * inverse }
                }
            }
        }
    }
}

import Dispatch
import Embedding
import Foundation
import Imaging

/// Reads and decodes files on all cores, keeping the input order; each result is the pixels or the error.
func decodeFiles(_ paths: [String], with embedder: Embedder) -> [Result<RGBImage, any Error>] {
    concurrentMap(paths.count) { i in
        Result { try embedder.decode(EncodedImage(contentsOf: URL(fileURLWithPath: paths[i]), limits: embedder.options.limits)) }
    }
}

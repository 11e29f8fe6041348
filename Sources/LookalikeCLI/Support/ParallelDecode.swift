import Dispatch
import Embedding
import Foundation
import Imaging

/// Reads and decodes files on all cores, keeping the input order; each result is the pixels or the error.
func decodeFiles(_ paths: [String], with embedder: Embedder) -> [Result<RGBImage, Error>] {
    var results = [Result<RGBImage, Error>?](repeating: nil, count: paths.count)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: paths.count) { i in
        let result = Result {
            try embedder.decode(EncodedImage(contentsOf: URL(fileURLWithPath: paths[i]), limits: embedder.options.limits))
        }
        lock.lock()
        results[i] = result
        lock.unlock()
    }
    return results.map { $0! }
}

import Foundation
import Imaging

/// The short measurement behind `--precision auto`: each candidate precision's vectors against f32's on a
/// few real photos, and its speed on a batch of them, the precisions timed call by call in turn so that the
/// machine's load weighs on all of them alike.
enum PrecisionCalibration {
    /// Timed calls per precision (after one untimed call each); the median counts.
    static let rounds = 5
    /// Calibration photos used at most.
    static let maxPhotos = 8
    private static let photoExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    /// The photos to calibrate on: `explicit` when given, else the first folder that has any of
    /// `$LOOKALIKE_CALIBRATION_PHOTOS`, the model folder's `calibration/`, and `testdata/photos` of the checkout
    /// the model folder sits in (`models/<name>/../../testdata/photos`).
    static func photos(for directory: URL, explicit: URL?,
                       environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var folders: [URL] = []
        if let explicit {
            folders = [explicit]
        } else {
            if let env = environment["LOOKALIKE_CALIBRATION_PHOTOS"], !env.isEmpty { folders.append(URL(fileURLWithPath: env)) }
            folders.append(directory.appendingPathComponent("calibration"))
            folders.append(directory.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("testdata/photos"))
        }
        for folder in folders {
            let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            let photos = files.filter { photoExtensions.contains($0.pathExtension.lowercased()) }.sorted { $0.path < $1.path }
            if !photos.isEmpty { return Array(photos.prefix(maxPhotos)) }
        }
        return []
    }

    /// Measures `candidates` (f32 first: the reference) on `photos`. A candidate that fails to load or run is
    /// left out and named in `failures`; f32 failing throws.
    static func measure(directory: URL, options: EmbedderOptions, photos: [URL], candidates: [Precision])
        throws -> (measurements: [PrecisionChoice.Measurement], images: Int, failures: [String]) {
        func load(_ precision: Precision) throws -> Embedder {
            var o = options
            o.precision = precision
            // The descriptor asked for (the model's default when nil); the head alone, the stricter check, is
            // read from the same call.
            o.mirrorCatalog = false
            o.maxBatch = maxPhotos
            o.concurrentRequests = 1
            return try Embedder(directory: directory, options: o)
        }
        let reference = try load(.f32)
        let images = photos.compactMap { try? reference.decode(EncodedImage(contentsOf: $0)) }
        guard !images.isEmpty else {
            throw EmbeddingError.invalidArgument("none of the calibration photos \(photos.map(\.lastPathComponent)) decodes")
        }
        let tensor = reference.inputTensor(for: images)
        let expected = try vectors(reference, tensor: tensor, count: images.count)
        var embedders: [(Precision, Embedder, Double)] = [(.f32, reference, 1)]
        var failures: [String] = []
        for precision in candidates where precision != .f32 {
            do {
                let embedder = try load(precision)
                let got = try vectors(embedder, tensor: tensor, count: images.count)
                let lowest = zip(expected, got).map { min(cosine($0.0.full, $0.1.full), cosine($0.0.head, $0.1.head)) }.min() ?? 0
                embedders.append((precision, embedder, lowest))
            } catch {
                failures.append("\(precision.rawValue): \(error)")
            }
        }
        var times = [[Double]](repeating: [], count: embedders.count)
        for round in 0..<rounds {
            for step in embedders.indices {
                let i = (step + round) % embedders.count  // a different precision goes first each round
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try embedders[i].1.infer(tensor: tensor, count: images.count)
                times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        let measurements = embedders.indices.map { i in
            let sorted = times[i].sorted()
            let (precision, _, lowest) = embedders[i]
            return PrecisionChoice.Measurement(precision: precision, msPerImage: sorted[sorted.count / 2] / Double(images.count),
                                               minCosine: lowest, withinBar: lowest >= PrecisionChoice.cosineBar)
        }
        return (measurements, images.count, failures)
    }

    /// Each image's default-descriptor vector and head-alone vector.
    private static func vectors(_ embedder: Embedder, tensor: [Float], count: Int) throws -> [(full: [Float], head: [Float])] {
        let output = try embedder.infer(tensor: tensor, count: count)
        let head = InferenceOutput(features: output.features, featureShape: output.featureShape, logits: nil, classCount: 0)
        return (0..<count).map { (output.embedding(at: $0, pooling: embedder.pooling), head.embedding(at: $0, pooling: embedder.pooling)) }
    }

    private static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in 0..<min(a.count, b.count) {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }
}

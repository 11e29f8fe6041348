import ArgumentParser
import Embedding
import Foundation
import Search

/// `lookalike bench embed`: inference speed at several batch sizes and precisions.
struct EmbedBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Images/s and ms per batch of the model, f32 and bf16, batch 1 and 32; compile time and peak memory.")

    @Option(help: "Model name (under models/) or a folder with manifest.json.")
    var model: String = ModelLocator.defaultModel

    @Option(help: "Inference threads (0 = all cores).")
    var threads: Int = 0

    @Option(help: "Precisions to measure, comma-separated (f32, bf16, int8).")
    var precisions: String = "f32,bf16"

    @Option(help: "Feature layers beside the head (final, all or names); repeat to compare side by side. Default: the model's.")
    var layers: [String] = []

    @Option(help: "Batch sizes to measure, comma-separated.")
    var batches: String = "1,32"

    @Option(help: "Seconds to time each configuration (after warm-up).")
    var seconds: Double = 5

    @Flag(help: "One JSON object per configuration.")
    var json = false

    func run() throws {
        let precisionList = try precisions.split(separator: ",").map {
            guard let p = Precision(rawValue: String($0)), p != .auto else { throw ValidationError("unknown precision '\($0)'") }
            return p
        }
        let batchList = try batches.split(separator: ",").map {
            guard let b = Int($0), b > 0, b <= 256 else { throw ValidationError("bad batch size '\($0)'") }
            return b
        }
        let layerList: [LayerSelection?] = layers.isEmpty ? [nil] : try layers.map { try LayerSelection(parsing: $0) }
        if !json { print("model\tlayers\tprecision\tbatch\timages/s\tms/batch\tcompile s\tpeak RSS MB") }
        for precision in precisionList {
            // Every layer selection's model is compiled first, then each batch size runs them in turn.
            let embedders = try layerList.map { selection in
                var options = EmbedderOptions()
                options.precision = precision
                options.threads = threads
                options.maxBatch = batchList.max() ?? 32
                options.layers = selection
                return try Embedder(model: model, options: options)
            }
            for batch in batchList {
                for embedder in embedders {
                    let result = try EmbedBenchmark.run(embedder, batch: batch, seconds: seconds)
                    if json {
                        try JSONOutput.line(result)
                    } else {
                        print(String(format: "%@\t%@\t%@\t%d\t%.1f\t%.2f\t%.2f\t%.0f", result.model as NSString, result.layers as NSString,
                                     result.precision as NSString, result.batch, result.images_per_s, result.ms_per_batch,
                                     result.compile_s, result.peak_rss_mb))
                    }
                }
            }
        }
    }
}

/// Times the model from a fixed input tensor to pooled vectors (inference, output copies and pooling).
enum EmbedBenchmark {
    /// One measured configuration; field names match bench/embed_baselines.py.
    struct Result: Encodable {
        let runtime = "lookalike"
        let model: String
        let layers: String
        let dimension: Int
        let precision: String
        let batch: Int
        let images_per_s: Double
        let ms_per_batch: Double
        let median_ms_per_batch: Double
        let compile_s: Double
        let peak_rss_mb: Double
    }

    static func run(_ embedder: Embedder, batch: Int, seconds: Double) throws -> Result {
        let input = embedder.manifest.input
        var generator = SplitMix64(seed: 42)
        let tensor = (0..<(batch * input.width * input.height * 3)).map { _ in Float(generator.nextUnit() * 2 - 1) }
        func vectors() throws -> [[Float]] {
            let output = try embedder.infer(tensor: tensor, count: batch)
            return (0..<batch).map { output.embedding(at: $0, pooling: embedder.pooling) }
        }
        for _ in 0..<3 { _ = try vectors() }  // warm-up
        var times: [Double] = []
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        while elapsed < seconds || times.count < 5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try vectors()
            let t1 = DispatchTime.now().uptimeNanoseconds
            times.append(Double(t1 - t0) / 1e6)
            elapsed = Double(t1 - start) / 1e9
        }
        let total = times.reduce(0, +)
        return Result(model: embedder.manifest.name, layers: embedder.layers.isEmpty ? "final" : embedder.layers.map(\.name).joined(separator: ","),
                      dimension: embedder.dimension, precision: embedder.precision.rawValue, batch: batch,
                      images_per_s: Double(batch * times.count) / (total / 1000), ms_per_batch: total / Double(times.count),
                      median_ms_per_batch: times.sorted()[times.count / 2], compile_s: embedder.compileSeconds,
                      peak_rss_mb: ProcessStats.peakResidentMB())
    }
}

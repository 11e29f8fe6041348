import ArgumentParser
import Embedding
import Foundation
import Search

/// `lookalike bench embed`: inference speed at several batch sizes and precisions.
struct EmbedBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Images/s and ms per batch of the model per precision and batch size, the precisions timed in turn; the CPU's features, compile time and peak memory.")

    @Option(help: "Model name (under models/) or a folder with manifest.json.")
    var model: String = ModelLocator.defaultModel

    @Option(help: "Inference threads (0 = all cores).")
    var threads: Int = 0

    @Option(help: "Precisions to measure, comma-separated (f32, bf16, int8, auto: what --precision auto picks here).")
    var precisions: String = "f32,bf16"

    @Option(help: "Feature layers beside the head (final, all or names); repeat to compare side by side. Default: the model's.")
    var layers: [String] = []

    @Option(help: "Batch sizes to measure, comma-separated.")
    var batches: String = "1,32"

    @Option(help: "Seconds to time each configuration (after warm-up).")
    var seconds: Double = 5

    @Option(help: "Slices each configuration's time is cut into, the configurations taking turns slice by slice, so load on the machine weighs on all alike.")
    var rounds: Int = 5

    @Flag(help: "One JSON object per configuration.")
    var json = false

    func run() throws {
        let precisionList = try precisions.split(separator: ",").map {
            guard let p = Precision(rawValue: String($0)) else { throw ValidationError("unknown precision '\($0)'") }
            return p
        }
        let batchList = try batches.split(separator: ",").map {
            guard let b = Int($0), b > 0, b <= 256 else { throw ValidationError("bad batch size '\($0)'") }
            return b
        }
        guard rounds >= 1, seconds > 0 else { throw ValidationError("--rounds must be 1 or more and --seconds above 0") }
        let layerList: [LayerSelection?] = layers.isEmpty ? [nil] : try layers.map { try LayerSelection(parsing: $0) }
        let cpu = CPUInfo.current
        // Every configuration is compiled first; then, per batch size, they take turns.
        let embedders = try precisionList.flatMap { precision in
            try layerList.map { selection in
                var options = EmbedderOptions()
                options.precision = precision
                options.threads = threads
                options.maxBatch = batchList.max() ?? 32
                options.layers = selection
                let embedder = try Embedder(model: model, options: options)
                if let decision = embedder.precisionDecision { ModelOptions.report(decision) }
                return embedder
            }
        }
        if !json {
            print("# CPU: \(cpu.summary); OpenVINO capabilities: \(Embedder.runtimeCapabilities.joined(separator: " "))")
            print("model\tlayers\tprecision\tbatch\timages/s\tms/batch\tp50 ms/batch\tcompile s\tpeak RSS MB")
        }
        for batch in batchList {
            let results = try EmbedBenchmark.run(embedders, batch: batch, seconds: seconds, rounds: rounds)
            for result in results {
                if json {
                    try JSONOutput.line(result)
                } else {
                    print(String(format: "%@\t%@\t%@\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.0f", result.model as NSString, result.layers as NSString,
                                 result.precisionLabel as NSString, result.batch, result.images_per_s, result.ms_per_batch,
                                 result.median_ms_per_batch, result.compile_s, result.peak_rss_mb))
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
        /// The precision run (what auto chose, for auto).
        let precision: String
        /// The precision asked for (auto or the same as `precision`).
        let requested_precision: String
        let batch: Int
        let images_per_s: Double
        let ms_per_batch: Double
        let median_ms_per_batch: Double
        let compile_s: Double
        let peak_rss_mb: Double
        let cpu: String
        let cpu_features: [String]

        /// "int8", or "int8 by auto".
        var precisionLabel: String { requested_precision == precision ? precision : "\(precision) by \(requested_precision)" }
    }

    /// Times each embedder on the same random batch for `seconds`, in `rounds` slices taken in turn (the
    /// order rotating each round).
    static func run(_ embedders: [Embedder], batch: Int, seconds: Double, rounds: Int) throws -> [Result] {
        guard let first = embedders.first else { return [] }
        let input = first.manifest.input
        var generator = SplitMix64(seed: 42)
        let tensor = (0..<(batch * input.width * input.height * 3)).map { _ in Float(generator.nextUnit() * 2 - 1) }
        func vectors(_ embedder: Embedder) throws -> [[Float]] {
            let output = try embedder.infer(tensor: tensor, count: batch)
            return (0..<batch).map { output.embedding(at: $0, pooling: embedder.pooling) }
        }
        for embedder in embedders { for _ in 0..<3 { _ = try vectors(embedder) } }  // warm-up
        var times = [[Double]](repeating: [], count: embedders.count)
        let slice = seconds / Double(rounds)
        for round in 0..<rounds {
            for step in embedders.indices {
                let i = (step + round) % embedders.count
                let start = DispatchTime.now().uptimeNanoseconds
                var calls = 0
                while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < slice || calls < 1 {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    _ = try vectors(embedders[i])
                    times[i].append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                    calls += 1
                }
            }
        }
        let cpu = CPUInfo.current
        return embedders.indices.map { i in
            let embedder = embedders[i], t = times[i]
            let total = t.reduce(0, +)
            return Result(model: embedder.manifest.name,
                          layers: embedder.layers.isEmpty ? "final" : embedder.layers.map(\.name).joined(separator: ","),
                          dimension: embedder.dimension, precision: embedder.precision.rawValue,
                          requested_precision: embedder.options.precision.rawValue, batch: batch,
                          images_per_s: Double(batch * t.count) / (total / 1000), ms_per_batch: total / Double(t.count),
                          median_ms_per_batch: t.sorted()[t.count / 2], compile_s: embedder.compileSeconds,
                          peak_rss_mb: ProcessStats.peakResidentMB(), cpu: cpu.name, cpu_features: cpu.features)
        }
    }
}

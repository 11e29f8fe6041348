import ArgumentParser
import Embedding

/// Options shared by every command that runs the model.
struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: "Model name (under models/) or a folder with manifest.json. Default: \(ModelLocator.defaultModel).")
    var modelArgument: String?

    @Option(name: .customLong("precision"), help: "Inference precision: f32, bf16, int8 (the quantized model scripts/setup.sh makes) or auto (the default: the fastest whose vectors stay within cosine 0.99 of f32's, measured once on this CPU and remembered).")
    var precisionArgument: Precision?

    @Option(name: .customLong("threads"), help: "Inference threads (0, the default, = all cores).")
    var threadsArgument: Int?

    /// The model `--model` names, or the default one.
    var model: String {
        get { modelArgument ?? ModelLocator.defaultModel }
        set { modelArgument = newValue }
    }

    /// `--precision`, or auto.
    var precision: Precision {
        get { precisionArgument ?? .auto }
        set { precisionArgument = newValue }
    }

    /// `--threads`, or 0 (all cores).
    var threads: Int {
        get { threadsArgument ?? 0 }
        set { threadsArgument = newValue }
    }

    // Descriptor variants for comparing models (docs/benchmarks.md): hidden, since the defaults are the product's.
    @Option(name: .long, help: ArgumentHelp("Pooling of the feature map: avg, max, gem or gem:P (default: the model's).", visibility: .hidden))
    var pool: Pooling?

    @Option(name: .long, help: ArgumentHelp("Feature layers pooled beside the head: final (the head alone), all, or names from the model's manifest (default: the model's).", visibility: .hidden))
    var layers: LayerSelection?

    @Flag(name: .long, help: ArgumentHelp("Catalog vectors are the mean of each product image's and its mirror image's (twice the model work when indexing, none per query). Give it to every command on that catalog: it is part of the model key.", visibility: .hidden))
    var mirrorCatalog = false

    /// Embedder options from the command line.
    func embedderOptions() throws -> EmbedderOptions {
        guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
        var options = EmbedderOptions()
        options.precision = precision
        options.threads = threads
        options.mirrorCatalog = mirrorCatalog
        options.pooling = pool
        options.layers = layers
        return options
    }

    /// Loads the model; says on standard error what `--precision auto` measured when it measured.
    func load() throws -> Embedder { try load(with: embedderOptions()) }

    /// Loads the model with `options` (`embedderOptions()` adjusted by the command), reporting as `load()`.
    func load(with options: EmbedderOptions) throws -> Embedder {
        let embedder = try Embedder(model: model, options: options)
        if let decision = embedder.precisionDecision { Self.report(decision) }
        return embedder
    }

    /// One line on what `--precision auto` measured and where it keeps the choice, or on why it could not
    /// measure; nothing for a stored choice or when there was nothing to choose.
    static func report(_ decision: PrecisionDecision) {
        var line = "precision auto: \(decision.choice.summary)"
        switch decision.source {
        case .measured:
            line += " on \(decision.choice.cpu.summary)"
            if let error = decision.storeError {
                line += "; not remembered (\(error)), so it is measured again next time"
            } else if let file = decision.file {
                line += "; remembered in \(file.path)"
            }
        case .unmeasured:
            line = "precision auto: \(decision.choice.chosen.rawValue): \(decision.choice.reason)"
        case .stored, .nothingToChoose:
            return
        }
        printError(line)
    }
}

extension Precision: ExpressibleByArgument {}

extension Pooling: ExpressibleByArgument {
    /// Parses `avg`, `max`, `gem` or `gem:P`.
    public init?(argument: String) { try? self.init(parsing: argument) }
}

extension LayerSelection: ExpressibleByArgument {
    /// Parses `final`, `all` or layer names joined by commas.
    public init?(argument: String) { try? self.init(parsing: argument) }
}

import ArgumentParser
import Catalog
import Foundation
import Search
import Service

/// `lookalike tune`: learn catalog-tuned similarity from the shop's own labels.
struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Learn a similarity tuned to the catalog's labels (e.g. --label articleType) and store it with the catalog.",
        discussion: """
            Fits within-class whitening (products of one label value drawn together, values pushed apart) blended \
            with a linear classifier's probabilities, on the catalog's own vectors. First scores it on every 10th \
            product held out of the fit (raw vs tuned P@1, P@10, mAP@100), then fits on all products and stores it. \
            `similar`, the page's "more like this" and `--space tuned` then search tuned vectors; photo queries stay \
            raw by default (tuning helps "same kind of product", not "this exact item"). `lookalike index` re-fits \
            it when the catalog has changed by more than a quarter.
            """)

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Label field to learn from.")
    var label = "articleType"

    @Option(help: "Dimensions kept after whitening.")
    var dimensions = 256

    @Option(help: "Weight of the class probabilities in the blend.")
    var blend: Float = 0.5

    @Flag(help: "Skip the held-out check (fit and store only).")
    var noHoldout = false

    @Flag(name: .customLong("dry-run"), help: "Only score these parameters on the held-out products; store nothing (to compare --dimensions and --blend).")
    var dryRun = false

    @Flag(help: "Do nothing when the catalog already has a tuning for this model (`index` re-fits it when the catalog changes a lot).")
    var ifMissing = false

    @Flag(help: "Delete the catalog's tuning instead.")
    var remove = false

    @Flag(help: "Print the held-out report as JSON.")
    var json = false

    func run() async throws {
        guard dimensions >= 1, blend >= 0, blend.isFinite else { throw ValidationError("--dimensions must be ≥ 1 and --blend ≥ 0") }
        guard !(dryRun && (noHoldout || remove || ifMissing)) else {
            throw ValidationError("--dry-run only scores the held-out products; it cannot be used with --no-holdout, --remove or --if-missing")
        }
        guard !catalog.isPostgres else {
            throw ValidationError("tuned similarity is searched in memory; tune a SQLite catalog (PostgreSQL searches raw vectors)")
        }
        let embedder = try modelOptions.load()
        let store = try await catalog.open()
        let key = TunedSimilarity.settingKey(modelKey: embedder.modelKey)
        if remove {
            try await store.setSetting(key, nil)
            print("removed the tuning of \(embedder.modelKey) from \(catalog.displayName)")
            return
        }
        if ifMissing, try await store.setting(key) != nil {
            printError("lookalike: \(catalog.displayName) already has a tuning for \(embedder.modelKey); nothing to do")
            return
        }
        let table = try await store.loadVectors(modelKey: embedder.modelKey)
        guard table.count > 0 else {
            throw ValidationError("the catalog \(catalog.displayName) has no vectors for \(embedder.modelKey); run `lookalike index` first")
        }
        var parameters = TunedSimilarity.Parameters()
        parameters.dimensions = min(dimensions, table.dimension)
        parameters.blendWeight = blend
        do {
            if !noHoldout {
                let report = try CatalogTuning.holdout(table: table, label: label, parameters: parameters)
                if json {
                    try JSONOutput.line(report)
                } else {
                    print("held out  \(report.heldOut) products as queries against the other \(report.fitted) (relevant = same \(label))")
                    for (name, m) in [("raw", report.raw), ("tuned", report.tuned)] {
                        print(name.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: "P@1 %.4f   P@10 %.4f   mAP@100 %.4f", m.precisionAt1, m.precisionAt10, m.averagePrecision))
                    }
                }
            }
            if dryRun { return }
            let started = Date()
            let tuning = try await CatalogTuning.fitAndStore(store: store, table: table, label: label, parameters: parameters)
            printError(String(format: "lookalike: tuned on %d products, %d classes of '%@', %d → %d dimensions, in %.1f s; stored in %@",
                              tuning.fittedCount, tuning.classes.count, label, tuning.inputDimension, tuning.outputDimension,
                              Date().timeIntervalSince(started), catalog.displayName))
        } catch let error as TuningError {
            throw ValidationError(error.description)
        }
    }
}

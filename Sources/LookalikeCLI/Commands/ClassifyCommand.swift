import ArgumentParser
import Embedding
import Foundation

/// `lookalike classify IMAGE...`: the model's top-5 ImageNet classes per image.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify", abstract: "Print the top ImageNet classes of each image (a check that the model sees well).")

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "One JSON object per image: {\"file\", \"top\": [{\"class\", \"label\", \"score\"}]}.")
    var json = false

    @Option(help: "How many classes to show.")
    var top = 5

    @Argument(help: "Image files.")
    var images: [String]

    func run() throws {
        let embedder = try modelOptions.load()
        var failures = 0
        for (_, chunk) in images.chunked(by: embedder.options.maxBatch) {
            let decoded = decodeFiles(chunk, with: embedder)
            let good = decoded.enumerated().compactMap { i, r in (try? r.get()).map { (i, $0) } }
            let classes = good.isEmpty ? [] : try embedder.classify(good.map(\.1), top: top)
            var byIndex: [Int: [ClassScore]] = [:]
            for (n, (i, _)) in good.enumerated() { byIndex[i] = classes[n] }
            for (i, result) in decoded.enumerated() {
                let file = chunk[i]
                if case .failure(let error) = result {
                    failures += 1
                    printError("error: \(error)")
                    continue
                }
                guard let scores = byIndex[i] else { continue }
                if json {
                    try JSONOutput.line(ClassifyLine(file: file, top: scores.map {
                        .init(class: $0.index, label: $0.label, score: $0.score)
                    }))
                } else {
                    print(file)
                    for s in scores { print(String(format: "  %4d  %-30@ %.3f", s.index, s.label as NSString, s.score)) }
                }
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// One `classify --json` line.
struct ClassifyLine: Encodable {
    struct Entry: Encodable {
        let `class`: Int
        let label: String
        let score: Float
    }
    let file: String
    let top: [Entry]
}

import ArgumentParser
import Embedding
import Foundation

/// `lookalike embed IMAGE...`: prints each image's feature vector.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Print the L2-normalised feature vector of each image.")

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "One JSON object per image: {\"file\", \"vector\"}.")
    var json = false

    @Argument(help: "Image files (JPEG, PNG, WebP, GIF, TIFF, HEIC, AVIF).")
    var images: [String]

    func run() throws {
        let embedder = try modelOptions.load()
        var failures = 0
        for (start, chunk) in images.chunked(by: embedder.options.maxBatch) {
            let decoded = decodeFiles(chunk, with: embedder)
            let good = decoded.enumerated().compactMap { i, r in (try? r.get()).map { (i, $0) } }
            let vectors = good.isEmpty ? [] : try embedder.embed(good.map(\.1))
            var byIndex: [Int: [Float]] = [:]
            for (n, (i, _)) in good.enumerated() { byIndex[i] = vectors[n] }
            for (i, result) in decoded.enumerated() {
                let file = images[start + i]
                if case .failure(let error) = result {
                    failures += 1
                    printError("error: \(error)")
                    continue
                }
                guard let vector = byIndex[i] else { continue }
                if json {
                    try JSONOutput.line(EmbedLine(file: file, vector: vector))
                } else {
                    print("\(file)\t" + vector.map { String(format: "%.6f", $0) }.joined(separator: " "))
                }
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// One `embed --json` line.
struct EmbedLine: Encodable {
    let file: String
    let vector: [Float]
}

extension Array {
    /// Consecutive slices of at most `size` elements, with the index each starts at.
    func chunked(by size: Int) -> [(Int, [Element])] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { ($0, Array(self[$0..<Swift.min($0 + size, count)])) }
    }
}

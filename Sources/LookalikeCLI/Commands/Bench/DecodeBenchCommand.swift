import ArgumentParser
import Catalog
import Dispatch
import Embedding
import Foundation
import Imaging
import Service
import Synchronization

/// `lookalike bench decode SOURCE`: the pure decode rate (read, hash, decode and resize to the
/// model input on all cores, no inference) — the ceiling an import can approach.
struct DecodeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Images/s of reading and decoding a catalog on all cores, without the model.")

    @Argument(help: "A catalog source, as for `index`.")
    var source: String

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "Decode at most this many items.")
    var limit: Int?

    @Option(help: "Decoding threads (0 = one per core).")
    var threads = 0

    @Flag(help: "Print as JSON.")
    var json = false

    func run() throws {
        let embedder = try modelOptions.load()
        var listed: [SourceItem] = []
        for case .item(let item) in try Catalog.source(for: source).items() {
            listed.append(item)
            if let limit, listed.count >= limit { break }
        }
        let items = listed
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let next = AtomicCounter()
        let failures = AtomicCounter()
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment() - 1
                guard i < items.count else { return }
                do {
                    let encoded = try items[i].encodedImage(limits: embedder.options.limits)
                    _ = ContentHash.hex(of: encoded.data)
                    _ = try embedder.decode(encoded)
                } catch {
                    _ = failures.increment()
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rate = Double(items.count) / seconds
        if json {
            try JSONOutput.line(DecodeBenchLine(source: source, items: items.count, failed: failures.value, threads: workers,
                                                seconds: seconds, images_per_s: rate))
        } else {
            print(String(format: "%d items decoded to %dx%d on %d threads in %.2f s: %.1f images/s (%d failed)",
                         items.count, embedder.manifest.input.width, embedder.manifest.input.height, workers, seconds, rate, failures.value))
        }
    }
}

/// `bench decode --json`.
struct DecodeBenchLine: Encodable {
    let source: String
    let items: Int
    let failed: Int
    let threads: Int
    let seconds: Double
    let images_per_s: Double
}

/// A counter shared by worker threads.
final class AtomicCounter: Sendable {
    private let count = Atomic<Int>(0)
    /// Adds one and returns the new value.
    func increment() -> Int { count.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue }
    /// The current value.
    var value: Int { count.load(ordering: .sequentiallyConsistent) }
}

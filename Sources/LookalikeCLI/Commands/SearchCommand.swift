import ArgumentParser
import Catalog
import Embedding
import Foundation
import Imaging
import Service

/// `lookalike search IMAGE...`: the catalog products most like each photo.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Find the catalog products that look most like each photo.")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var replica: ReadReplicaOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var searchOptions: SearchOptions
    @OptionGroup var photoOptions: PhotoOptions

    @Flag(help: "One JSON object per query image: {\"query\", \"results\": [{\"id\", \"score\", …}]}.")
    var json = false

    @Argument(help: "Photos to search with.")
    var images: [String]

    func run() async throws {
        let service = try await searchOptions.service(catalog: catalog, model: modelOptions, readDB: replica.readDB)
        var request = try searchOptions.request()
        request.cleanup = photoOptions.cleanup
        var failures = 0
        for path in images {
            do {
                let image = try EncodedImage(contentsOf: URL(fileURLWithPath: path), limits: service.embedder.options.limits)
                let response = try await service.search(image: image, request: request)
                if json {
                    try JSONOutput.line(QueryLine(query: path, results: response.results.map(ResultLine.init)))
                } else {
                    print(String(format: "%@  (decode %.1f ms, embed %.1f ms, search %.1f ms)", path as NSString,
                                 response.decodeMilliseconds, response.embedMilliseconds, response.searchMilliseconds))
                    printResults(response.results, metric: service.metric)
                }
            } catch let error as QueryError {
                throw ValidationError(error.description)
            } catch {
                failures += 1
                printError("error: \(error)")
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// One `search --json` line.
struct QueryLine: Encodable {
    let query: String
    let results: [ResultLine]
}

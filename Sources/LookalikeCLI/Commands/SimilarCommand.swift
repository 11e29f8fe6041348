import ArgumentParser
import Service

/// `lookalike similar PRODUCT_ID`: "more like this" for a catalog product.
struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar", abstract: "Products most like a catalog product (the product itself excluded).")

    @OptionGroup var catalog: CatalogOptions
    @OptionGroup var replica: ReadReplicaOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var searchOptions: SearchOptions

    @Flag(help: "Print {\"query\": ID, \"results\": [...]} as JSON.")
    var json = false

    @Argument(help: "Product id.")
    var productID: String

    func run() async throws {
        let service = try await searchOptions.service(catalog: catalog, model: modelOptions, readDB: replica.readDB)
        let request = try searchOptions.request()
        let results: [SearchResult]
        do {
            results = try await service.similar(to: productID, request: request)
        } catch let error as QueryError {
            throw ValidationError(error.description)
        }
        if json {
            try JSONOutput.line(QueryLine(query: productID, results: results.map(ResultLine.init)))
        } else {
            print(productID)
            printResults(results, metric: service.metric)
        }
    }
}

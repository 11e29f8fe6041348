import ArgumentParser
import Catalog

/// `lookalike remove PRODUCT_ID...`: deletes products and their vectors.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove products (and their vectors) from the catalog.")

    @OptionGroup var catalog: CatalogOptions

    @Argument(help: "Product ids.")
    var productIDs: [String]

    func run() async throws {
        let store = try await catalog.open()
        let removed = try await store.remove(ids: productIDs)
        print("removed \(removed) of \(productIDs.count) product(s)")
        if removed < productIDs.count {
            let missing = Set(productIDs).subtracting(try await store.products(ids: productIDs).map(\.id))
            if !missing.isEmpty { printError("not in the catalog: " + missing.sorted().joined(separator: ", ")) }
        }
    }
}

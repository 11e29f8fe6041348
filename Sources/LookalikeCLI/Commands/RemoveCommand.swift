import ArgumentParser
import Catalog
import Service

/// `lookalike remove PRODUCT_ID...`: deletes products, their vectors and the image files Lookalike wrote for them.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove products (and their vectors) from the catalog.")

    @OptionGroup var catalog: CatalogOptions

    @Argument(help: "Product ids.")
    var productIDs: [String]

    func run() async throws {
        let store = try await catalog.open()
        let found = try await store.products(ids: productIDs)
        let removed = try await store.remove(ids: productIDs)
        // Image files Lookalike wrote for these products (API uploads, Fashion-MNIST pixels) go with them.
        let deleted = try await OwnedImageFolder(directory: catalog.assetsDirectory)
            .release(found.compactMap(\.imagePath), store: store)
        print("removed \(removed) of \(productIDs.count) product(s)" + (deleted > 0 ? " and \(deleted) image file(s)" : ""))
        let missing = Set(productIDs).subtracting(found.map(\.id))
        if !missing.isEmpty { printError("not in the catalog: " + missing.sorted().joined(separator: ", ")) }
    }
}

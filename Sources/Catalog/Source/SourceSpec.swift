import Foundation

/// The catalog source a command-line spec names.
///
/// - `fashion-mnist:train`, `fashion-mnist:test`, `fashion-mnist:all` (plain `fashion-mnist` means all);
/// - a folder with `styles.csv` and `images/` → `KaggleFashionSource`;
/// - a `.csv`, `.jsonl` or `.ndjson` file → `ManifestSource`;
/// - any other folder → `FolderSource`.
/// Call it as `Catalog.source(for:)` where a local variable is also named `source`.
public func source(for spec: String) throws -> any CatalogSource {
    let lowered = spec.lowercased()
    if lowered == "fashion-mnist" || lowered.hasPrefix("fashion-mnist:") {
        let name = lowered == "fashion-mnist" ? "all" : String(lowered.dropFirst("fashion-mnist:".count))
        guard let split = FashionMNISTSource.Split(rawValue: name) else {
            throw CatalogSourceError.unsupported(spec: spec, reason: "unknown Fashion-MNIST split \"\(name)\" "
                                                    + "(use train, test or all)")
        }
        return FashionMNISTSource(split: split)
    }
    let path = (spec as NSString).expandingTildeInPath
    let url = URL(fileURLWithPath: path)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
        throw CatalogSourceError.notFound(spec: spec)
    }
    if isFolder.boolValue {
        return KaggleFashionSource.looksLikeKaggle(url) ? KaggleFashionSource(root: url) : FolderSource(root: url)
    }
    switch url.pathExtension.lowercased() {
    case "csv", "jsonl", "ndjson":
        return try ManifestSource(file: url)
    case let fileExtension where FolderSource.imageExtensions.contains(fileExtension):
        throw CatalogSourceError.unsupported(spec: spec, reason: "it is a single image; put it in a folder, "
                                                + "or list it in a manifest")
    default:
        throw CatalogSourceError.unsupported(spec: spec, reason: "files ending in .\(url.pathExtension) are not catalogs")
    }
}

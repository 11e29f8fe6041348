import Foundation

/// A catalog format that `source(for:format:)` can be told to read instead of detecting it.
public enum SourceFormat: String, CaseIterable, Sendable {
    /// A Google Merchant Center feed (XML, TSV or CSV): `MerchantFeedSource`.
    case merchant
    /// A Shopify product CSV export: `ShopifyProductSource`.
    case shopify
    /// A WooCommerce product CSV export: `WooCommerceProductSource`.
    case woocommerce
    /// A CSV or JSONL manifest: `ManifestSource`.
    case manifest
    /// A Kaggle "Fashion Product Images" folder: `KaggleFashionSource`.
    case kaggle
    /// A folder of images: `FolderSource`.
    case folder
}

/// The catalog source a command-line spec names.
///
/// - `fashion-mnist:train`, `fashion-mnist:test`, `fashion-mnist:all` (plain `fashion-mnist` means all);
/// - a folder with `styles.csv` and `images/` → `KaggleFashionSource`; any other folder → `FolderSource`;
/// - a `.jsonl` or `.ndjson` file → `ManifestSource`;
/// - a file whose content is an RSS or Atom document → `MerchantFeedSource` (XML);
/// - a file whose header row has Shopify's `Handle` and `Image Src` → `ShopifyProductSource`; WooCommerce's
///   `Name`, `Images` and `ID` or `SKU` → `WooCommerceProductSource`; Merchant Center's `id` and `image_link`,
///   tab- or comma-separated → `MerchantFeedSource` (TSV or CSV);
/// - any other `.csv` file → `ManifestSource`.
///
/// `format` skips the detection and reads the spec as that format (the Merchant feed's syntax is still
/// told from the content). Call it as `Catalog.source(for:)` where a local variable is also named `source`.
public func source(for spec: String, format: SourceFormat? = nil) throws -> any CatalogSource {
    let lowered = spec.lowercased()
    if lowered == "fashion-mnist" || lowered.hasPrefix("fashion-mnist:") {
        if let format {
            throw CatalogSourceError.unsupported(spec: spec, reason: "Fashion-MNIST has no --format (\(format.rawValue) was given)")
        }
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
    if let format {
        return try source(at: url, spec: spec, isFolder: isFolder.boolValue, format: format)
    }
    if isFolder.boolValue {
        return KaggleFashionSource.looksLikeKaggle(url) ? KaggleFashionSource(root: url) : FolderSource(root: url)
    }
    let fileExtension = url.pathExtension.lowercased()
    if FolderSource.imageExtensions.contains(fileExtension) {
        throw CatalogSourceError.unsupported(spec: spec, reason: "it is a single image; put it in a folder, "
                                                + "or list it in a manifest")
    }
    if fileExtension == "jsonl" || fileExtension == "ndjson" {
        return try ManifestSource(file: url)
    }
    if let feed = try detectFeed(url) { return feed }
    if fileExtension == "csv" { return try ManifestSource(file: url) }
    if let root = try FeedSniffer.xmlRoot(of: url) {
        throw CatalogSourceError.unsupported(spec: spec, reason: "it is an XML document with the root element <\(root)>, "
                                                + "not an RSS (<rss>) or Atom (<feed>) product feed")
    }
    throw CatalogSourceError.unsupported(spec: spec, reason: "files ending in .\(url.pathExtension) are not catalogs, "
                                            + "and its first line is not the header of a known product feed")
}

/// A product feed recognised by its content, or nil.
private func detectFeed(_ url: URL) throws -> (any CatalogSource)? {
    if let root = try FeedSniffer.xmlRoot(of: url) {
        return root == "rss" || root == "feed" ? MerchantFeedSource(file: url, syntax: .xml) : nil
    }
    let commaHeader = try FeedSniffer.header(of: url, delimiter: ",")
    if ShopifyProductSource.isHeader(commaHeader) { return ShopifyProductSource(file: url) }
    if WooCommerceProductSource.isHeader(commaHeader) { return WooCommerceProductSource(file: url) }
    if MerchantFeedSource.isHeader(try FeedSniffer.header(of: url, delimiter: "\t")) {
        return MerchantFeedSource(file: url, syntax: .tsv)
    }
    if MerchantFeedSource.isHeader(commaHeader) { return MerchantFeedSource(file: url, syntax: .csv) }
    return nil
}

/// The source of the format asked for, after checking that it is a file or a folder as that format needs.
private func source(at url: URL, spec: String, isFolder: Bool, format: SourceFormat) throws -> any CatalogSource {
    switch (format, isFolder) {
    case (.kaggle, true): return KaggleFashionSource(root: url)
    case (.folder, true): return FolderSource(root: url)
    case (.kaggle, false), (.folder, false):
        throw CatalogSourceError.unsupported(spec: spec, reason: "--format \(format.rawValue) reads a folder, and this is a file")
    case (_, true):
        throw CatalogSourceError.unsupported(spec: spec, reason: "--format \(format.rawValue) reads a file, and this is a folder")
    case (.merchant, false): return try MerchantFeedSource(file: url)
    case (.shopify, false): return ShopifyProductSource(file: url)
    case (.woocommerce, false): return WooCommerceProductSource(file: url)
    case (.manifest, false): return try ManifestSource(file: url)
    }
}

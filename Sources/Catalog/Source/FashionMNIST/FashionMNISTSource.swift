import Foundation

/// Zalando's Fashion-MNIST (28×28 grayscale, 10 classes) read from its gzipped IDX files.
///
/// Ids are `train-<i>` / `test-<i>` (zero-based), titles e.g. "T-shirt/top #12", attributes
/// `articleType` (the class name) and `split`.
public struct FashionMNISTSource: CatalogSource {
    /// Which part of the data set to list.
    public enum Split: String, Sendable, CaseIterable {
        /// The 60,000 training images.
        case train
        /// The 10,000 test images.
        case test
        /// Training images, then test images.
        case all
    }

    /// Class names by label.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// Where the Debian package `dataset-fashion-mnist` installs the files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// The split to list.
    public let split: Split
    /// The folder holding the `*-idx?-ubyte.gz` files.
    public let directory: URL

    /// Creates a source for one split of the files in `directory`.
    public init(split: Split, directory: URL = FashionMNISTSource.defaultDirectory) {
        self.split = split
        self.directory = directory
    }

    /// A message written for the person who hit the error.
    public var description: String { "Fashion-MNIST \(split.rawValue) in \(directory.path)" }

    /// The items, lazily, in a deterministic order; unreadable ones come out as problems.
    public func items() throws -> AnySequence<SourceEntry> {
        let parts: [String] = split == .all ? ["train", "test"] : [split.rawValue]
        let loaded = try parts.map { try load($0) }
        return AnySequence(loaded.lazy.flatMap { part in
            (0 ..< part.count).lazy.map { part.entry($0) }
        })
    }

    /// Reads and checks one part's image and label files.
    func load(_ part: String) throws -> Part {
        let prefix = part == "train" ? "train" : "t10k"
        let imagesURL = try file("\(prefix)-images-idx3-ubyte")
        let labelsURL = try file("\(prefix)-labels-idx1-ubyte")
        let images = try IDXFile(bytes: GzipFile.read(imagesURL), file: imagesURL.path, expectedMagic: IDXFile.imagesMagic)
        let labels = try IDXFile(bytes: GzipFile.read(labelsURL), file: labelsURL.path, expectedMagic: IDXFile.labelsMagic)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw CatalogSourceError.malformed(
                file: imagesURL.path, reason: "holds \(images.dimensions[0]) images but \(labelsURL.lastPathComponent) "
                    + "holds \(labels.dimensions[0]) labels")
        }
        return Part(name: part, images: images, labels: labels)
    }

    /// The gzipped file if present, else the uncompressed one.
    private func file(_ name: String) throws -> URL {
        for candidate in [name + ".gz", name] {
            let url = directory.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw CatalogSourceError.unreadable(
            path: directory.appendingPathComponent(name + ".gz").path,
            reason: "the file is missing (install the Debian package dataset-fashion-mnist, or point to a folder with "
                + "the four Fashion-MNIST .gz files)")
    }

    /// One loaded split: images and labels in memory.
    struct Part {
        let name: String
        let images: IDXFile
        let labels: IDXFile

        var count: Int { images.dimensions[0] }

        func entry(_ index: Int) -> SourceEntry {
            let id = "\(name)-\(index)"
            let label = Int(labels.bytes[labels.dataOffset + index])
            guard label < FashionMNISTSource.classNames.count else {
                return .problem(SourceProblem(item: id, reason: "label \(label) is not a Fashion-MNIST class (0–9)"))
            }
            let height = images.dimensions[1], width = images.dimensions[2]
            let start = images.dataOffset + index * width * height
            let className = FashionMNISTSource.classNames[label]
            return .item(SourceItem(id: id, title: "\(className) #\(index)",
                                    attributes: ["articleType": className, "split": name],
                                    image: .grayscalePixels(width: width, height: height,
                                                            pixels: Array(images.bytes[start ..< start + width * height]))))
        }
    }
}

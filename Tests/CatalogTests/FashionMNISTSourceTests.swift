import Catalog
import CZlib
import Foundation
import TestSupport
import XCTest

final class FashionMNISTSourceTests: TimedTestCase {
    private func requireDataset() throws {
        let path = FashionMNISTSource.defaultDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
    }

    func testRealTrainingSplit() throws {
        try requireDataset()
        var count = 0
        var first: SourceItem?
        var labels = [String: Int]()
        for entry in try FashionMNISTSource(split: .train).items() {
            guard case let .item(item) = entry else { return XCTFail("unexpected problem \(entry)") }
            if count == 0 { first = item }
            labels[item.attributes["articleType"] ?? "?", default: 0] += 1
            count += 1
        }
        XCTAssertEqual(count, 60000)
        XCTAssertEqual(labels.count, 10)
        XCTAssertEqual(labels.values.sorted(), Array(repeating: 6000, count: 10), "Fashion-MNIST is balanced")
        let item = try XCTUnwrap(first)
        // The first training label in the file is 9.
        XCTAssertEqual(item.id, "train-0")
        XCTAssertEqual(item.attributes, ["articleType": "Ankle boot", "split": "train"])
        XCTAssertEqual(item.title, "Ankle boot #0")
        guard case let .grayscalePixels(width, height, pixels) = item.image else { return XCTFail("\(item.image)") }
        XCTAssertEqual(width, 28)
        XCTAssertEqual(height, 28)
        XCTAssertEqual(pixels.count, 784)
        XCTAssertEqual(pixels[0], 0, "Fashion-MNIST images have a black border")
        XCTAssertGreaterThan(pixels.filter { $0 > 0 }.count, 100, "an ankle boot covers part of the image")
        XCTAssertEqual(pixels.max(), 255)
    }

    func testRealTestSplitAndAll() throws {
        try requireDataset()
        let test = Array(try FashionMNISTSource(split: .test).items())
        XCTAssertEqual(test.count, 10000)
        guard case let .item(last) = test[9999] else { return XCTFail() }
        XCTAssertEqual(last.id, "test-9999")
        XCTAssertEqual(last.attributes["split"], "test")
        var all = 0
        var sawTest = false
        for case let .item(item) in try FashionMNISTSource(split: .all).items() {
            all += 1
            if item.id == "test-0" { sawTest = true }
        }
        XCTAssertEqual(all, 70000)
        XCTAssertTrue(sawTest)
        let spec = try Catalog.source(for: "fashion-mnist:test")
        XCTAssertEqual((spec as? FashionMNISTSource)?.split, .test)
    }

    // MARK: - Broken files

    private func idx(magic: UInt32, dimensions: [UInt32], payload: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for word in [magic] + dimensions {
            bytes += [UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                      UInt8(truncatingIfNeeded: word)]
        }
        return bytes + (0 ..< payload).map { UInt8($0 % 10) }
    }

    private func writeGzip(_ bytes: [UInt8], to url: URL) throws {
        guard let file = gzopen(url.path, "wb") else { throw CocoaError(.fileWriteUnknown) }
        _ = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        gzclose(file)
    }

    private func makeFolder(images: [UInt8], labels: [UInt8]) throws -> URL {
        let folder = try makeTemporaryFolder(self)
        try writeGzip(images, to: folder.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        try writeGzip(labels, to: folder.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        return folder
    }

    func testSmallValidFiles() throws {
        let folder = try makeFolder(images: idx(magic: 0x803, dimensions: [3, 2, 2], payload: 12),
                                    labels: idx(magic: 0x801, dimensions: [3], payload: 3) .enumerated().map { $0.offset == 10 ? 12 : $0.element })
        let entries = Array(try FashionMNISTSource(split: .test, directory: folder).items())
        XCTAssertEqual(entries.count, 3)
        guard case let .item(item) = entries[1] else { return XCTFail("\(entries)") }
        XCTAssertEqual(item.id, "test-1")
        XCTAssertEqual(item.attributes["articleType"], "Trouser")
        XCTAssertEqual(item.image, .grayscalePixels(width: 2, height: 2, pixels: [4, 5, 6, 7]))
        XCTAssertEqual(entries[2], .problem(SourceProblem(item: "test-2", reason: "label 12 is not a Fashion-MNIST class (0–9)")))
    }

    func testWrongMagicNumber() throws {
        let folder = try makeFolder(images: idx(magic: 0x801, dimensions: [3], payload: 3),
                                    labels: idx(magic: 0x801, dimensions: [3], payload: 3))
        XCTAssertThrowsError(try FashionMNISTSource(split: .test, directory: folder).items()) { error in
            XCTAssertTrue("\(error)".contains("wrong magic number 0x801 (an IDX image file starts with 0x00000803)"),
                          "\(error)")
        }
    }

    func testTruncatedData() throws {
        let folder = try makeFolder(images: idx(magic: 0x803, dimensions: [5, 28, 28], payload: 784 * 4),
                                    labels: idx(magic: 0x801, dimensions: [5], payload: 5))
        XCTAssertThrowsError(try FashionMNISTSource(split: .test, directory: folder).items()) { error in
            XCTAssertTrue("\(error)".contains("the header promises 5×28×28 bytes of data"), "\(error)")
            XCTAssertTrue("\(error)".contains("(truncated?)"), "\(error)")
        }
    }

    func testTruncatedGzipStream() throws {
        let folder = try makeFolder(images: idx(magic: 0x803, dimensions: [50, 28, 28], payload: 784 * 50),
                                    labels: idx(magic: 0x801, dimensions: [50], payload: 50))
        let images = folder.appendingPathComponent("t10k-images-idx3-ubyte.gz")
        let data = try Data(contentsOf: images)
        try data.prefix(data.count / 2).write(to: images)
        XCTAssertThrowsError(try FashionMNISTSource(split: .test, directory: folder).items()) { error in
            XCTAssertTrue("\(error)".contains("t10k-images-idx3-ubyte.gz"), "\(error)")
            XCTAssertTrue("\(error)".contains("ends early"), "\(error)")
        }
    }

    func testCountMismatchAndMissingFiles() throws {
        let folder = try makeFolder(images: idx(magic: 0x803, dimensions: [2, 1, 1], payload: 2),
                                    labels: idx(magic: 0x801, dimensions: [3], payload: 3))
        XCTAssertThrowsError(try FashionMNISTSource(split: .test, directory: folder).items()) { error in
            XCTAssertTrue("\(error)".contains("holds 2 images but t10k-labels-idx1-ubyte.gz holds 3 labels"), "\(error)")
        }
        XCTAssertThrowsError(try FashionMNISTSource(split: .train, directory: folder).items()) { error in
            XCTAssertTrue("\(error)".contains("train-images-idx3-ubyte.gz"), "\(error)")
            XCTAssertTrue("\(error)".contains("dataset-fashion-mnist"), "\(error)")
        }
    }
}
